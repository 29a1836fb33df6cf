import Foundation
import Networks
import PlanPreview
import SyncEngine
import Timestamps

/// Turns a run report into the self-contained HTML preview: one card per page, styled after its network.
enum PlanHTML {
    static func render(_ report: RunReport, title: String) -> String {
        let items = ordered(report.items).map { item in
            PreviewPlan.Item(
                identity: "\(item.source)/\(item.identity)", title: item.title, decision: decision(item.decision),
                error: item.message,
                posts: item.posts.flatMap { post in
                    zip(post.pages, post.networks).map { page, platform in
                        let network = Network(platform: platform)
                        return PreviewPlan.Post(
                            pageName: page, network: network, text: post.text, mediaURLs: post.media,
                            characterCount: NetworkCheck.count(post.text, network: network),
                            limit: NetworkRules.rules(for: network).textLimit, warnings: post.warnings,
                            details: details(post, timeZone: report.timeZone), fields: fields(post))
                    }
                })
        }
        let plan = PreviewPlan(
            title: title, generatedAt: Timestamp.format(Date(), fractional: false),
            summary: summary(report), items: items,
            requests: PreviewPlan.Requests(read: report.requests.read, write: report.requests.write))
        return PlanHTMLRenderer.render(plan)
    }

    /// Returns the items in the order failed, blocked, written, with a note, then the rest, each group in the
    /// report's order. So a failure comes before a long run of skipped cards.
    static func ordered(_ items: [ReportedItem]) -> [ReportedItem] {
        func rank(_ item: ReportedItem) -> Int {
            switch item.decision {
            case .failed: 0
            case .blocked: 1
            case .create, .update, .delete: 2
            default: item.message == nil ? 4 : 3
            }
        }
        return items.enumerated().sorted { left, right in
            let (leftRank, rightRank) = (rank(left.element), rank(right.element))
            return leftRank != rightRank ? leftRank < rightRank : left.offset < right.offset
        }.map(\.element)
    }

    /// Returns the report's counts, which include the unchanged items it counts without listing them.
    static func summary(_ report: RunReport) -> PreviewPlan.Summary {
        PreviewPlan.Summary(
            created: report.created, updated: report.updated, deleted: report.deleted, unchanged: report.unchanged,
            skipped: report.skipped, failed: report.failed, blocked: report.blocked, baselined: report.baselined,
            removed: report.removed)
    }

    /// Returns the settings of a planned post that the card shows on one line: its scheduled time and whether it
    /// is published then, labels, campaign, the fields that an update clears, team-only and notification.
    static func details(_ post: ReportedPost, timeZone: String?) -> [String] {
        var details: [String] = []
        if let scheduledAt = post.scheduledAt {
            let publishes = post.publishAtScheduledDate == true ? ", published then once approved" : ""
            details.append("Scheduled \(ScheduleText.describe(scheduledAt, timeZone: timeZone))\(publishes)")
        }
        if !post.labels.isEmpty { details.append("Labels: \(post.labels.joined(separator: ", "))") }
        if let campaign = post.campaign { details.append("Campaign: \(campaign)") }
        for field in ReportWriter.clearedFieldNames(post) {
            details.append(field.prefix(1).uppercased() + field.dropFirst() + " cleared: the source no longer sets one")
        }
        if post.teamOnly == true { details.append("Team only") }
        if post.notify == true { details.append("Notifies workspace members") }
        return details
    }

    /// Returns the text fields of a planned post, such as its first comment, as the card lists them.
    static func fields(_ post: ReportedPost) -> [PreviewPlan.Field] {
        let unsent = Set(post.unchangedByUpdate ?? [])
        return ReportWriter.textFields(post).map { field in
            let label = field.label.prefix(1).uppercased() + field.label.dropFirst()
            let note = unsent.contains(field.key) ? "not sent: an update cannot change it" : nil
            return PreviewPlan.Field(label: label, value: field.value, note: note)
        }
    }

    static func decision(_ decision: ItemDecision) -> PreviewPlan.Decision {
        switch decision {
        case .create: .create
        case .update: .update
        case .delete: .delete
        case .unchanged: .unchanged
        case .skipped: .skip
        case .removed: .removed
        case .baselined: .baselined
        case .blocked: .blocked
        case .failed: .failed
        }
    }
}
