import Foundation
import YAML

/// Typed look-ups of front matter keys, accepting the value forms that Jekyll and Hugo accept.
extension YAMLValue {
    /// The value under `key` when `self` is a mapping.
    subscript(key: String) -> YAMLValue? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// The text of a string or number under `key`; `nil` for other values and empty strings.
    func text(_ key: String) -> String? {
        switch self[key] {
        case .string(let text)?: text.isEmpty ? nil : text
        case .integer(let number)?: String(number)
        case .double(let number)?: String(number)
        default: nil
        }
    }

    /// True when `key` holds `true`, or the string "true" as a quoted YAML value or TOML string gives it.
    func isTrue(_ key: String) -> Bool {
        switch self[key] {
        case .bool(true)?: true
        case .string(let text)?: text.lowercased() == "true"
        default: false
        }
    }

    func isFalse(_ key: String) -> Bool {
        switch self[key] {
        case .bool(false)?: true
        case .string(let text)?: text.lowercased() == "false"
        default: false
        }
    }

    /// The strings of a list under `key`; a single string is split on commas when it has any, else on white space
    /// (Jekyll's rule for `tags: a b`).
    func strings(_ key: String) -> [String]? {
        switch self[key] {
        case .list(let items)?:
            return items.map(\.plainText).filter { !$0.isEmpty }
        case .string(let text)?:
            let parts = text.contains(",") ? text.split(separator: ",") : text.split(whereSeparator: \.isWhitespace)
            return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .integer, .double:
            return [self[key]!.plainText]
        default:
            return nil
        }
    }
}
