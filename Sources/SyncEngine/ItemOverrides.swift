import YAML

/// Per-item settings from the front matter's `planable:` mapping.
///
/// `pages` replaces the item's pages, `labels` adds labels, `schedule` sets the time (or `false` leaves the post
/// unscheduled), `skip: true` skips the item, and `campaign`, `first_comment` and `internal_note` set those fields.
struct ItemOverrides {
    var pages: [String]?
    var labels: [String] = []
    var schedule: String?
    var unschedule = false
    var skip = false
    var campaign: String?
    var firstComment: String?
    var internalNote: String?

    init(_ value: YAMLValue?) {
        guard case .mapping(let pairs) = value else { return }
        for (key, value) in pairs {
            switch (key, value) {
            case ("pages", .list(let items)): pages = items.map(\.plainText)
            case ("pages", .string(let name)): pages = [name]
            case ("labels", .list(let items)): labels = items.map(\.plainText)
            case ("labels", .string(let name)): labels = [name]
            case ("schedule", .bool(false)): unschedule = true
            case ("schedule", .string(let text)): schedule = text
            case ("skip", .bool(let flag)): skip = flag
            case ("campaign", .string(let name)): campaign = name
            case ("first_comment", .string(let text)): firstComment = text
            case ("internal_note", .string(let text)): internalNote = text
            default: continue
            }
        }
    }
}
