import Foundation
import PlanableAPI
import PlanableReference
import Testing

@testable import SyncEngine

/// A grouped create takes at most 20 pages, so an item for more pages with equal content is split into groups.
@Suite struct GroupPageLimitTests {
    @Test func twentyTwoPagesMakeTwoGroups() throws {
        let token = "pln_" + String(repeating: "7c", count: 16)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "planable-sync-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        var seed = ReferenceSeed.demo(token: token)
        let names = (1...22).map { String(format: "Location %02d", $0) }
        for name in names {
            seed.companies[0].workspaces[0].pages.append(
                .init(
                    name: name, platform: "googlebusiness", workspaceName: "Northwind Coffee",
                    companyName: "Northwind Agency"))
        }
        var options = ReferenceServerOptions(databasePath: root.appendingPathComponent("reference.sqlite").path)
        options.seed = seed
        let server = try ReferenceServer(options: options)
        try server.start()
        defer { server.stop() }
        let tokenPath = root.appendingPathComponent("token")
        try token.write(to: tokenPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenPath.path)

        let workspace = try TestWorkspace(
            pages: names, api: "api:\n  url: \(server.baseURL)\n  token_file: \(tokenPath.path)\n")
        defer { workspace.remove() }
        try workspace.writePost("opening.md", title: "Opening day", body: "Every location opens at nine.")

        let report = try workspace.run(.apply)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        let posts = try #require(report.items.first?.posts)
        #expect(posts.map(\.pages.count) == [20, 2])
        #expect(posts.flatMap(\.pages) == names)
        #expect(report.requests.write == 2)
        #expect(try workspace.run(.apply).requests.write == 0)
    }
}
