extension ReferenceServer {
    /// Handlers of the operations beyond workspaces, pages and posts.
    static let extraHandlers: [String: Handler] = [:]
}
