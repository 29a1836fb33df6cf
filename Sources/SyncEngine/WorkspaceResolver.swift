import PlanableAPI

/// Resolves the configuration's workspace and pages, by name or id, through the API.
package enum WorkspaceResolver {
    /// - Throws: `MappingError` (a configuration error) when a name matches nothing, or `PlanableAPIError`.
    package static func resolve(_ configuration: Configuration, client: PlanableClient) throws -> WorkspaceContext {
        let workspaces = try client.listWorkspaces()
        guard
            let workspace = workspaces.first(where: { $0.id == configuration.workspace })
                ?? workspaces.first(where: { $0.name == configuration.workspace })
        else {
            let known = workspaces.map { "\"\($0.name)\"" }.joined(separator: ", ")
            throw MappingError(
                "\(configuration.path): workspace \"\(configuration.workspace)\" is not found; the token can see \(known.isEmpty ? "no workspace" : known)",
                isConfigurationError: true)
        }
        return try context(configuration, workspace: workspace, pages: try client.listPages(workspaceId: workspace.id))
    }

    /// Resolves the configuration's pages among `pages`, the pages of `workspace` as the API listed them.
    package static func context(
        _ configuration: Configuration, workspace: Workspace, pages: [Page]
    ) throws -> WorkspaceContext {
        let allPages = pages.map {
            ResolvedPage(id: $0.id, name: $0.name, platform: $0.platform, isConnected: $0.isConnected)
        }
        for rule in configuration.rules {
            for name in rule.pages ?? [] where !pages.contains(where: { $0.id == name || $0.name == name }) {
                throw MappingError(
                    "\(configuration.path): rule \"\(rule.name)\" names page \"\(name)\", which is not found in workspace \"\(workspace.name)\"",
                    isConfigurationError: true)
            }
        }
        var resolved: [ResolvedPage] = []
        for name in configuration.pages {
            guard let page = pages.first(where: { $0.id == name }) ?? pages.first(where: { $0.name == name }) else {
                let known = pages.map { "\"\($0.name)\"" }.joined(separator: ", ")
                throw MappingError(
                    "\(configuration.path): page \"\(name)\" is not found in workspace \"\(workspace.name)\"; its pages are \(known)",
                    isConfigurationError: true)
            }
            if resolved.contains(where: { $0.id == page.id }) { continue }
            resolved.append(
                ResolvedPage(id: page.id, name: page.name, platform: page.platform, isConnected: page.isConnected))
        }
        return WorkspaceContext(workspace: workspace, pages: resolved, allPages: allPages)
    }
}
