import Content
import Foundation
import YAML

/// Which items a rule applies to. Every condition given must hold; an empty match applies to every item.
package struct RuleMatch: Equatable, Sendable {
    /// Source names.
    package var sources: [String] = []
    /// Glob patterns over the item's location, such as `news/**` or `**/*-released.md`.
    package var paths: [String] = []
    /// The item must have at least one of these tags.
    package var tags: [String] = []
    /// The item must have at least one of these categories.
    package var categories: [String] = []
    /// Front matter fields and the values they must have; `*` only requires the field to be present.
    package var fields: [String: String] = [:]

    package init() {}

    func matches(_ item: SourceItem) -> Bool {
        if !sources.isEmpty && !sources.contains(item.source) { return false }
        if !paths.isEmpty && !paths.contains(where: { GlobPattern($0).matches(item.location) }) { return false }
        if !tags.isEmpty {
            let itemTags = Set(item.tags.map { $0.lowercased() })
            if !tags.contains(where: { itemTags.contains($0.lowercased()) }) { return false }
        }
        if !categories.isEmpty {
            let itemCategories = Set(item.categories.map { $0.lowercased() })
            if !categories.contains(where: { itemCategories.contains($0.lowercased()) }) { return false }
        }
        for (key, expected) in fields {
            guard let value = item.field(key) else { return false }
            if expected != "*" && value.plainText != expected { return false }
        }
        return true
    }
}

/// When a post is scheduled.
package struct ScheduleRule: Equatable, Sendable {
    /// The time of day, as `HH:MM`, for items whose date has no time; the workspace's time zone applies.
    package var timeOfDay: String = "09:00"
    /// Whether Planable publishes the post at that time by itself (`publishAtScheduledDate`).
    package var publish = false
    /// Whether a date in the past still sets `scheduledAt`; by default it is left out.
    package var keepPast = false

    package init() {}
}

/// The Pinterest fields of a rule, each a Mustache template.
package struct PinterestRule: Equatable, Sendable {
    package var board: String
    package var title: String?
    package var link: String?
    package var description: String?
}

/// A mapping rule: for the items it matches, which pages get posts and with which fields.
///
/// Several rules may match one item. Its pages are the union of the matching rules' pages; for each page, the
/// first matching rule that names the page sets the template and fields, and labels add up.
package struct MappingRule: Equatable, Sendable {
    package var name: String
    package var match = RuleMatch()
    /// Page names or ids; nil means the configuration's `pages`.
    package var pages: [String]?
    package var template: String?
    package var labels: [String] = []
    package var campaign: String?
    package var schedule: ScheduleRule?
    package var firstComment: String?
    package var internalNote: String?
    package var teamOnly: Bool?
    package var youtubeTitle: String?
    package var linkedinDocumentTitle: String?
    package var linkedinVideoTitle: String?
    package var pinterest: PinterestRule?
    /// Whether text over a network's limit is cut at a word boundary, keeping the link, instead of failing.
    package var truncate: Bool?
    /// Whether matching items are skipped altogether.
    package var skip = false

    package init(name: String) {
        self.name = name
    }
}

extension SourceItem {
    /// A front matter field by dotted name, such as `params.author`.
    func field(_ dottedName: String) -> YAMLValue? {
        var current: YAMLValue? = fields
        for part in dottedName.split(separator: ".") {
            guard case .mapping(let pairs) = current else { return nil }
            current = pairs.first { $0.0 == part }?.1
        }
        return current
    }
}
