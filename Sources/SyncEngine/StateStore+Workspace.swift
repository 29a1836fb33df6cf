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

    /// Stores `workspace` as the one the state database belongs to, and its current name for messages.
    func recordWorkspace(_ workspace: Workspace) throws {
        if try setting("workspace_id") != workspace.id { try setSetting("workspace_id", workspace.id) }
        if try setting("workspace_name") != workspace.name { try setSetting("workspace_name", workspace.name) }
    }
}
