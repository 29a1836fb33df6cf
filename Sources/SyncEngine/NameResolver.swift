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

    /// Returns the ids of a post's labels and campaign. The campaign is looked up first, because a missing one fails
    /// the item, and a label created before that would be left behind.
    func ids(
        labels: [String], campaign: String?, item: SourceItem, mode: RunMode
    ) throws -> (labels: [String], campaign: String?) {
        let campaignId = try campaignId(campaign, item: item)
        return (try labelIds(labels, item: item, mode: mode), campaignId)
    }

    /// The ids of `names`, each once; in plan mode a missing label that would be created returns no id but no error.
    ///
    /// A name matches a label's id or its exact name, else the one label whose name differs only in case, so that
    /// `seasonal` in one file's front matter and `Seasonal` in another's share one label instead of creating a
    /// second.
    func labelIds(_ names: [String], item: SourceItem, mode: RunMode) throws -> [String] {
        guard !names.isEmpty else { return [] }
        if labels == nil { labels = try client.listLabels(workspaceId: workspaceId) }
        var ids: [String] = []
        for name in names {
            let candidates = (labels ?? []).map { (id: $0.id, name: $0.name ?? "") }
            if let id = try Self.match(name, in: candidates, kind: "label", item: item) {
                if !ids.contains(id) { ids.append(id) }
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

    /// The id of the campaign that `name` names, matched as labels are.
    func campaignId(_ name: String?, item: SourceItem) throws -> String? {
        guard let name else { return nil }
        if campaigns == nil { campaigns = try client.listCampaigns(workspaceId: workspaceId) }
        let candidates = (campaigns ?? []).map { (id: $0.id, name: $0.name) }
        guard let id = try Self.match(name, in: candidates, kind: "campaign", item: item) else {
            throw MappingError(
                "\(item.source): \(item.location): campaign \"\(name)\" does not exist in the workspace; create it in Planable"
            )
        }
        return id
    }

    /// Finds the id that `name` names: an id, an exact name, or the only name that differs from it in case alone.
    ///
    /// - Throws: `MappingError` when two or more names differ from `name` in case alone and none equals it.
    static func match(
        _ name: String, in candidates: [(id: String, name: String)], kind: String, item: SourceItem
    ) throws -> String? {
        switch NameMatch.find(name, in: candidates) {
        case .found(let id):
            return id
        case .missing:
            return nil
        case .ambiguous(let names):
            let quoted = names.map { "\"\($0)\"" }.joined(separator: ", ")
            throw MappingError(
                "\(item.source): \(item.location): \(kind) \"\(name)\" matches \(quoted), which differ only in case; "
                    + "write the exact name")
        }
    }
}

/// The outcome of matching a configured label or campaign name against the workspace's, which sync and check
/// share.
package enum NameMatch: Equatable, Sendable {
    case found(id: String)
    case missing
    /// Two or more names differ from the name in case alone, and none equals it.
    case ambiguous(names: [String])

    /// Matches `name` against an id, then an exact name, then the only name that differs from it in case alone.
    package static func find(_ name: String, in candidates: [(id: String, name: String)]) -> NameMatch {
        if let exact = candidates.first(where: { $0.id == name || $0.name == name }) { return .found(id: exact.id) }
        let folded = name.lowercased()
        let caseVariants = candidates.filter { $0.name.lowercased() == folded }
        switch caseVariants.count {
        case 0: return .missing
        case 1: return .found(id: caseVariants[0].id)
        default: return .ambiguous(names: caseVariants.map(\.name))
        }
    }
}
