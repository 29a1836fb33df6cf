import YAML

/// Per-item settings from the front matter's `planable:` mapping.
///
/// `pages` replaces the item's pages, `labels` adds labels, `schedule` sets the time (or `false` leaves the post
/// unscheduled), `skip: true` skips the item, and `campaign`, `first_comment` and `internal_note` set those fields.
/// An unknown key or a value of the wrong kind fails the item, so a typo in front matter never goes unnoticed.
struct ItemOverrides {
    var pages: [String]?
    var labels: [String] = []
    var schedule: String?
    var unschedule = false
    var skip = false
    var campaign: String?
    var firstComment: String?
    var internalNote: String?

    static let keys = ["campaign", "first_comment", "internal_note", "labels", "pages", "schedule", "skip"]

    init() {}

    /// Reads the overrides of `item`.
    ///
    /// - Throws: `MappingError` naming the item, the key and what it accepts.
    init(_ value: YAMLValue?, item: SourceItem) throws {
        guard case .mapping(let pairs) = value else { return }
        func fail(_ key: String, _ expected: String) -> MappingError {
            MappingError("\(item.source): \(item.location): front matter planable.\(key) must be \(expected)")
        }
        func names(_ key: String, _ value: YAMLValue) throws -> [String] {
            switch value {
            case .string(let name): return [name]
            case .list(let items):
                return try items.map { item in
                    guard case .string(let name) = item else { throw fail(key, "a name or a list of names") }
                    return name
                }
            default: throw fail(key, "a name or a list of names")
            }
        }
        func text(_ key: String, _ value: YAMLValue) throws -> String {
            switch value {
            case .string(let text): return text
            case .integer, .double: return value.plainText
            default: throw fail(key, "text")
            }
        }
        for (key, value) in pairs {
            switch key {
            case "pages":
                pages = try names(key, value)
                if pages?.isEmpty == true { throw fail(key, "at least one page name; use skip: true to skip the item") }
            case "labels": labels = try names(key, value)
            case "schedule":
                switch value {
                case .bool(false): unschedule = true
                case .string(let text): schedule = text
                default: throw fail(key, "false or a date and time such as \"2026-12-24 09:00\"")
                }
            case "skip":
                guard case .bool(let flag) = value else { throw fail(key, "true or false") }
                skip = flag
            case "campaign": campaign = try text(key, value)
            case "first_comment": firstComment = try text(key, value)
            case "internal_note": internalNote = try text(key, value)
            default:
                throw MappingError(
                    "\(item.source): \(item.location): front matter planable.\(key) is not a known setting; "
                        + "known settings are \(Self.keys.joined(separator: ", "))")
            }
        }
    }
}
