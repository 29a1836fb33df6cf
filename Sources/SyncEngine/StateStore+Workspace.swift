import Foundation
import PlanableAPI

extension StateStore {
    /// Returns the error for a state database that belongs to another workspace than `workspace`, or nil when it
    /// belongs to `workspace` or stores no workspace yet.
    ///
    /// A state database records the posts of one workspace. Used against another one, its items look removed
    /// there and its posts missing, so a sync would delete the first workspace's drafts (with `delete_drafts`)
    /// and create every item again.
    package func workspaceMismatch(_ workspace: Workspace, configurationPath: String) throws -> MappingError? {
        guard let storedId = try setting("workspace_id"), storedId != workspace.id else { return nil }
        let storedName = try setting("workspace_name") ?? storedId
        return MappingError(
            "state database \(path) belongs to workspace \"\(storedName)\" (\(storedId)), but \(configurationPath) "
                + "names workspace \"\(workspace.name)\" (\(workspace.id)), so nothing was sent. Give each "
                + "configuration its own state path. If this client's workspace was replaced, move the state "
                + "database aside: the next sync links the posts whose text matches an item instead of creating them.",
            isConfigurationError: true)
    }

    /// Returns the error for a state database whose recorded workspace has neither the id nor the name that the
    /// configuration gives, for commands that change the state without the API. The name is the one that the
    /// last sync recorded, so the message for a workspace renamed since then says to sync first.
    package func offlineWorkspaceMismatch(
        configuredWorkspace: String, configurationPath: String
    ) throws
        -> MappingError?
    {
        guard let storedId = try setting("workspace_id") else { return nil }
        let storedName = try setting("workspace_name") ?? storedId
        guard configuredWorkspace != storedId && configuredWorkspace != storedName else { return nil }
        return MappingError(
            "state database \(path) belongs to workspace \"\(storedName)\" (\(storedId)), but \(configurationPath) "
                + "names workspace \"\(configuredWorkspace)\", so nothing was changed. Give each configuration its own "
                + "state path. If the workspace was renamed in Planable, run a sync first, which records the new name.",
            isConfigurationError: true)
    }

    /// Stores `workspace` as the one the state database belongs to, and its current name for messages.
    func recordWorkspace(_ workspace: Workspace) throws {
        if try setting("workspace_id") != workspace.id { try setSetting("workspace_id", workspace.id) }
        if try setting("workspace_name") != workspace.name { try setSetting("workspace_name", workspace.name) }
    }

    /// Stores the workspace's page names by id, so that `status` can name pages without asking the API.
    func recordPageNames(_ pages: [ResolvedPage]) throws {
        let names = SettingText.object(pages.map { ($0.id, $0.name) })
        if try setting("page_names") != names { try setSetting("page_names", names) }
    }

    /// Returns the page names by id that the last sync stored, or an empty dictionary before the first sync.
    package func pageNames() throws -> [String: String] {
        guard let text = try setting("page_names"), let data = text.data(using: .utf8),
            let names = try? JSONDecoder().decode([String: String].self, from: data)
        else { return [:] }
        return names
    }
}

/// A small JSON writer for settings, with keys sorted so that an unchanged value is written the same way.
private enum SettingText {
    static func object(_ pairs: [(String, String)]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let dictionary = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        return (try? encoder.encode(dictionary)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
