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

    /// The messages for the mapping's invalid keys, each starting with `front matter planable.KEY`. The valid keys
    /// are read anyway, so a caller can check them too and report every problem at once.
    var problems: [String] = []

    static let keys = ["campaign", "first_comment", "internal_note", "labels", "pages", "schedule", "skip"]

    init() {}

    /// Reads the overrides in `value`, recording each wrong key in `problems`.
    init(_ value: YAMLValue?) {
        guard case .mapping(let pairs) = value else { return }
        for (key, value) in pairs {
            do {
                try read(key, value)
            } catch {
                problems.append(error.message)
            }
        }
    }

    private mutating func read(_ key: String, _ value: YAMLValue) throws(WrongSetting) {
        switch key {
        case "pages":
            let named = try Self.names(key, value)
            if named.isEmpty { throw WrongSetting(key, "at least one page name; use skip: true to skip the item") }
            pages = named
        case "labels": labels = try Self.names(key, value)
        case "schedule":
            switch value {
            case .bool(false): unschedule = true
            case .string(let text): schedule = text
            default: throw WrongSetting(key, "false or a date and time such as \"2026-12-24 09:00\"")
            }
        case "skip":
            guard case .bool(let flag) = value else { throw WrongSetting(key, "true or false") }
            skip = flag
        case "campaign": campaign = try Self.text(key, value)
        case "first_comment": firstComment = try Self.text(key, value)
        case "internal_note": internalNote = try Self.text(key, value)
        default:
            throw WrongSetting(
                message: "front matter planable.\(key) is not a known setting; known settings are "
                    + Self.keys.joined(separator: ", "))
        }
    }

    private static func names(_ key: String, _ value: YAMLValue) throws(WrongSetting) -> [String] {
        switch value {
        case .string(let name):
            return [name]
        case .list(let items):
            var names: [String] = []
            for item in items {
                guard case .string(let name) = item else { throw WrongSetting(key, "a name or a list of names") }
                names.append(name)
            }
            return names
        default:
            throw WrongSetting(key, "a name or a list of names")
        }
    }

    private static func text(_ key: String, _ value: YAMLValue) throws(WrongSetting) -> String {
        switch value {
        case .string(let text): return text
        case .integer, .double: return value.plainText
        default: throw WrongSetting(key, "text")
        }
    }
}

/// One wrong key of the `planable:` mapping.
private struct WrongSetting: Error {
    var message: String

    init(message: String) {
        self.message = message
    }

    init(_ key: String, _ expected: String) {
        message = "front matter planable.\(key) must be \(expected)"
    }
}
