import Foundation
import PlanableAPI
import Testing

@testable import SyncEngine

/// Labels: named by rules and front matter, sent as label ids, created with POST /labels only when the
/// configuration allows it and only by `sync`.
@Suite struct MappingLabelTests {
    static func workspace(createLabels: Bool) throws -> TestWorkspace {
        try TestWorkspace(
            pages: ["Northwind LinkedIn", "Northwind X"],
            extraConfiguration: """
                create_labels: \(createLabels)
                rules:
                  - name: coffee
                    match: {tags: [coffee]}
                    labels: [Espresso]
                  - name: everything
                    labels: [Blog]
                """)
    }

    @Test func missingLabelsAreCreatedOnceAndSentAsIds() throws {
        let workspace = try Self.workspace(createLabels: true)
        defer { workspace.remove() }
        try workspace.writePost(
            "a.md", title: "A", body: "Beans.", frontMatter: "tags: [coffee]\nplanable: {labels: [Seasonal]}\n")
        try workspace.writePost("b.md", title: "B", body: "More beans.", frontMatter: "tags: [coffee]\n")
        try workspace.writePost("c.md", title: "C", body: "Tea.", frontMatter: "tags: [tea]\n")

        let plan = try workspace.run(.plan)
        let planned = try #require(plan.items.first { $0.identity == "a.md" }?.posts.first)
        #expect(planned.labels.contains("Seasonal"))
        #expect(plan.requests.write == 0)

        let report = try workspace.run(.apply)
        #expect(report.created == 3)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        // Three labels and three grouped creates.
        #expect(report.requests.write == 6)

        let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let labels = try reference.client.listLabels(workspaceId: reference.workspaceId)
        let ids = Dictionary(uniqueKeysWithValues: labels.map { ($0.name ?? "", $0.id) })
        #expect(Set(ids.keys) == ["Espresso", "Blog", "Seasonal"])
        #expect(labels.allSatisfy { $0.color == NameResolver.labelColor })

        let posts = try reference.posts()
        func labelIds(_ text: String) -> Set<String> {
            Set(posts.first { $0.plainText.hasPrefix(text) }?.labels?.map(\.uuid) ?? [])
        }
        #expect(labelIds("A") == [ids["Espresso"]!, ids["Blog"]!, ids["Seasonal"]!])
        #expect(labelIds("B") == [ids["Espresso"]!, ids["Blog"]!])
        #expect(labelIds("C") == [ids["Blog"]!])

        let again = try workspace.run(.apply)
        #expect(again.requests.write == 0)
    }

    @Test func missingLabelsFailTheItemWhenCreatingIsOff() throws {
        let workspace = try Self.workspace(createLabels: false)
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "A", body: "Beans.", frontMatter: "tags: [coffee]\n")

        let report = try workspace.run(.apply)
        #expect(report.failed == 1)
        #expect(report.requests.write == 0)
        let message = try #require(report.items.first?.message)
        #expect(message.contains("a.md"))
        #expect(message.contains("label \"Espresso\" does not exist"), "\(message)")
        #expect(message.contains("create_labels: true"))

        let planned = try workspace.run(.plan)
        #expect(planned.failed == 1, "plan reports the same failure")
    }

    /// An item whose campaign is missing fails before any of its labels is created, so that no label is left
    /// behind for a post that does not exist.
    @Test func missingCampaignCreatesNoLabel() throws {
        let workspace = try Self.workspace(createLabels: true)
        defer { workspace.remove() }
        try workspace.writePost(
            "a.md", title: "A", body: "Beans.", frontMatter: "planable: {labels: [Seasonal], campaign: Winter sale}\n")

        let report = try workspace.run(.apply)
        #expect(report.failed == 1)
        let message = try #require(report.items.first?.message)
        #expect(message.contains("campaign \"Winter sale\" does not exist"), "\(message)")
        #expect(report.requests.write == 0)
        let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        #expect(try reference.client.listLabels(workspaceId: reference.workspaceId).isEmpty)
    }

    /// `plan` and `sync` give an item that misses both a label and its campaign the same first reason.
    @Test func planAndSyncNameTheMissingCampaignFirst() throws {
        let workspace = try Self.workspace(createLabels: false)
        defer { workspace.remove() }
        try workspace.writePost(
            "a.md", title: "A", body: "Beans.", frontMatter: "planable: {labels: [Seasonal], campaign: Winter sale}\n")

        let planned = try #require(try workspace.run(.plan).items.first?.message)
        let synced = try #require(try workspace.run(.apply).items.first?.message)
        #expect(planned.contains("campaign \"Winter sale\" does not exist"), "\(planned)")
        #expect(planned == synced)
    }

    @Test func planNeverCreatesLabels() throws {
        let workspace = try Self.workspace(createLabels: true)
        defer { workspace.remove() }
        try workspace.writePost("a.md", title: "A", body: "Beans.", frontMatter: "tags: [coffee]\n")

        let report = try workspace.run(.plan)
        #expect(report.created == 1)
        #expect(report.requests.write == 0)
        let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        #expect(try reference.client.listLabels(workspaceId: reference.workspaceId).isEmpty)
    }

    @Test func existingLabelsAreResolvedToTheirIds() throws {
        let workspace = try Self.workspace(createLabels: false)
        defer { workspace.remove() }
        _ = try workspace.run(.plan)
        let espresso: String
        let blog: String
        do {
            let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            espresso = try reference.client.createLabel(
                workspaceId: reference.workspaceId, text: "Espresso", color: "fog"
            ).id
            blog = try reference.client.createLabel(workspaceId: reference.workspaceId, text: "Blog", color: "fog").id
        }
        try workspace.writePost("a.md", title: "A", body: "Beans.", frontMatter: "tags: [coffee]\n")
        let report = try workspace.run(.apply)
        #expect(report.created == 1, "\(report.items.first?.message ?? "")")
        #expect(report.requests.write == 1)
        let posts = try ReferenceReadBack(stateFolder: workspace.stateFolder).posts()
        #expect(posts.count == 2)
        for post in posts { #expect(Set(post.labels?.map(\.uuid) ?? []) == [espresso, blog]) }
    }

    @Test func labelNamesMatchRegardlessOfCase() throws {
        let workspace = try Self.workspace(createLabels: true)
        defer { workspace.remove() }
        _ = try workspace.run(.plan)
        let espresso: String
        do {
            let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            espresso = try reference.client.createLabel(
                workspaceId: reference.workspaceId, text: "Espresso", color: "fog"
            ).id
        }
        try workspace.writePost(
            "a.md", title: "A", body: "Beans.",
            frontMatter: "tags: [coffee]\nplanable: {labels: [ESPRESSO, seasonal, SEASONAL, blog]}\n")
        try workspace.writePost(
            "b.md", title: "B", body: "Tea.", frontMatter: "planable: {labels: [seasonal, Seasonal]}\n")

        let report = try workspace.run(.apply)
        #expect(report.failed == 0, "\(report.items.compactMap(\.message))")
        let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let labels = try reference.client.listLabels(workspaceId: reference.workspaceId)
        #expect(labels.map { $0.name ?? "" }.sorted() == ["Blog", "Espresso", "seasonal"])
        let seasonal = try #require(labels.first { $0.name == "seasonal" }?.id)
        let blog = try #require(labels.first { $0.name == "Blog" }?.id)

        let posts = try reference.posts()
        let a = try #require(posts.first { $0.plainText.hasPrefix("A") })
        let b = try #require(posts.first { $0.plainText.hasPrefix("B") })
        #expect(a.labels?.map(\.uuid).sorted() == [espresso, blog, seasonal].sorted())
        #expect(b.labels?.map(\.uuid).sorted() == [blog, seasonal].sorted())
    }

    @Test func labelMatchingSeveralByCaseFails() throws {
        let workspace = try Self.workspace(createLabels: true)
        defer { workspace.remove() }
        _ = try workspace.run(.plan)
        do {
            let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
            for text in ["Promo", "PROMO"] {
                _ = try reference.client.createLabel(workspaceId: reference.workspaceId, text: text, color: "fog")
            }
        }
        try workspace.writePost("a.md", title: "A", body: "Beans.", frontMatter: "planable: {labels: [promo]}\n")

        let report = try workspace.run(.apply)
        #expect(report.failed == 1)
        let message = try #require(report.items.first?.message)
        #expect(message.contains("a.md"), "\(message)")
        #expect(message.contains("label \"promo\" matches \"Promo\", \"PROMO\""), "\(message)")
        #expect(message.contains("write the exact name"), "\(message)")
        let reference = try ReferenceReadBack(stateFolder: workspace.stateFolder)
        let labels = try reference.client.listLabels(workspaceId: reference.workspaceId)
        #expect(!labels.contains { $0.name == "promo" }, "\(labels.map(\.name))")
    }

    @Test func theCreateBodyCarriesLabelIdsNotNames() throws {
        var payload = PostPayload(text: "Beans.")
        payload.labels = ["Espresso"]
        let request = payload.createRequest(workspaceId: "w", pageIds: ["p"], notify: false, labelIds: ["lbl_1"])
        let body = try JSONSerialization.jsonObject(with: JSONEncoder().encode(request)) as? [String: Any]
        #expect(body?["labels"] as? [String] == ["lbl_1"])
        let update =
            try JSONSerialization.jsonObject(
                with: JSONEncoder().encode(payload.updateRequest(notify: false, labelIds: ["lbl_1"]))) as? [String: Any]
        #expect(update?["labels"] as? [String] == ["lbl_1"])
    }
}
