import YAML

/// A value that a template can render: the data of one source item, or a JSON or YAML document.
package indirect enum TemplateValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Number)
    case string(String)
    case list([TemplateValue])
    /// Key-value pairs in document order. A lookup takes the first pair with the key.
    case mapping([(String, TemplateValue)])

    /// A number as JSON and YAML documents write it.
    package enum Number: Sendable, Equatable {
        case integer(Int)
        case double(Double)
    }

    /// Converts a YAML value, keeping the order of mapping keys.
    package init(_ yaml: YAMLValue) {
        switch yaml {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .integer(let value): self = .number(.integer(value))
        case .double(let value): self = .number(.double(value))
        case .string(let value): self = .string(value)
        case .list(let items): self = .list(items.map(TemplateValue.init))
        case .mapping(let pairs): self = .mapping(pairs.map { ($0.0, TemplateValue($0.1)) })
        }
    }

    /// Builds a mapping from a dictionary, with keys sorted so that the order is stable.
    package init(_ dictionary: [String: TemplateValue]) {
        self = .mapping(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    package static func == (lhs: TemplateValue, rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.mapping(let a), .mapping(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Returns the value stored under `key` when this is a mapping, otherwise nil.
    package subscript(key: String) -> TemplateValue? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// False for null, false, an empty list and an empty string, as sections test them.
    ///
    /// The empty string is falsey, as in mustache.js, so that `{{#subtitle}}…{{/subtitle}}` skips an
    /// item whose subtitle is blank. The spec leaves that case to the implementation.
    package var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .number: return true
        case .string(let value): return !value.isEmpty
        case .list(let items): return !items.isEmpty
        case .mapping: return true
        }
    }

    /// The text an interpolation tag writes for a scalar, or nil for a list or mapping.
    ///
    /// Null is empty. A double with an integral value and magnitude below 2^53 is written without a
    /// fraction, as JavaScript writes it (`2.0` as `2`).
    package var scalarText: String? {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .number(.integer(let value)): return String(value)
        case .number(.double(let value)):
            if value.isFinite, value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
                return String(Int64(value))
            }
            return String(value)
        case .string(let value): return value
        case .list, .mapping: return nil
        }
    }
}

extension TemplateValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    package init(nilLiteral: ()) { self = .null }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(integerLiteral value: Int) { self = .number(.integer(value)) }
    package init(floatLiteral value: Double) { self = .number(.double(value)) }
    package init(stringLiteral value: String) { self = .string(value) }
    package init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    package init(dictionaryLiteral elements: (String, TemplateValue)...) { self = .mapping(elements) }
}
