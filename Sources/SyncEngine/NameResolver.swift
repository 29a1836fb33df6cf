import Foundation
import Logging
import PlanableAPI

/// Resolves label and campaign names to ids, listing each once per run and creating missing labels when the
/// configuration allows it.
final class NameResolver: @unchecked Sendable {
    private let client: PlanableClient
    private let workspaceId: String
    private let createLabels: Bool
    private let logger: Logger
    private var labels: [Label]?
    private var campaigns: [Campaign]?

    /// The colour of labels this program creates; the API requires one of its named colours.
    static let labelColor = "blue-chalk"

    init(client: PlanableClient, workspaceId: String, createLabels: Bool, logger: Logger) {
        self.client = client
        self.workspaceId = workspaceId
        self.createLabels = createLabels
        self.logger = logger
    }

    /// The ids of `names`; in plan mode a missing label that would be created returns no id but no error.
    func labelIds(_ names: [String], item: SourceItem, mode: RunMode) throws -> [String] {
        guard !names.isEmpty else { return [] }
        if labels == nil { labels = try client.listLabels(workspaceId: workspaceId) }
        var ids: [String] = []
        for name in names {
            if let label = labels?.first(where: { $0.name == name || $0.id == name }) {
                ids.append(label.id)
                continue
            }
            guard createLabels else {
                throw MappingError(
                    "\(item.source): \(item.location): label \"\(name)\" does not exist in the workspace; create it in "
                        + "Planable or set create_labels: true")
            }
            guard mode == .apply else { continue }
            let label = try client.createLabel(workspaceId: workspaceId, text: name, color: Self.labelColor)
            logger.info("created label", ["label.name": name, "label.id": label.id])
            labels?.append(label)
            ids.append(label.id)
        }
        return ids
    }

    func campaignId(_ name: String?, item: SourceItem) throws -> String? {
        guard let name else { return nil }
        if campaigns == nil { campaigns = try client.listCampaigns(workspaceId: workspaceId) }
        guard let campaign = campaigns?.first(where: { $0.name == name || $0.id == name }) else {
            throw MappingError(
                "\(item.source): \(item.location): campaign \"\(name)\" does not exist in the workspace; create it in Planable"
            )
        }
        return campaign.id
    }
}
