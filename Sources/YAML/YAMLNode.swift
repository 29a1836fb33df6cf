/// A position in a YAML document: one-based line and column.
package struct YAMLMark: Sendable, Equatable, CustomStringConvertible {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    package var description: String { "\(line):\(column)" }
}

/// One node of a parsed YAML document, with the position where it starts.
package indirect enum YAMLNode: Sendable, Equatable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], mark: YAMLMark)
    case mapping([(key: YAMLNode, value: YAMLNode)], mark: YAMLMark)

    package static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)):
            return a == b
        case (.sequence(let a, _), .sequence(let b, _)):
            return a == b
        case (.mapping(let a, _), .mapping(let b, _)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default:
            return false
        }
    }

    package var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .sequence(_, let mark): mark
        case .mapping(_, let mark): mark
        }
    }

    /// The node's kind as a word for error messages: "a string", "a list", "a mapping".
    package var kindDescription: String {
        switch self {
        case .scalar(let scalar) where scalar.isNull: "null"
        case .scalar: "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The value for a string key of a mapping; `nil` for other nodes or a missing key.
    package subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key.scalarValue?.text == key }?.value
    }

    package var scalarValue: YAMLScalar? {
        if case .scalar(let scalar) = self { scalar } else { nil }
    }

    /// The scalar's text when the node is a non-null scalar.
    package var string: String? {
        guard let scalar = scalarValue, !scalar.isNull else { return nil }
        return scalar.text
    }

    package var sequenceValue: [YAMLNode]? {
        if case .sequence(let items, _) = self { items } else { nil }
    }

    package var mappingValue: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs, _) = self { pairs } else { nil }
    }

    /// The typed value the node stands for under the YAML 1.1 and 1.2 core schema rules that Jekyll and Hugo use.
    package var value: YAMLValue {
        switch self {
        case .scalar(let scalar):
            return scalar.resolved
        case .sequence(let items, _):
            return .list(items.map(\.value))
        case .mapping(let pairs, _):
            var result: [(String, YAMLValue)] = []
            for pair in pairs {
                let key = pair.key.scalarValue?.text ?? pair.key.value.plainText
                result.append((key, pair.value.value))
            }
            return .mapping(result)
        }
    }
}

/// A scalar's text, its quoting style and its position.
package struct YAMLScalar: Sendable, Equatable {
    package var text: String
    /// True when the scalar was written without quotes or a block indicator, so its type is resolved from its text.
    package var isPlain: Bool
    /// The explicit tag, such as `!!str`, when one was written.
    package var tag: String?
    package var mark: YAMLMark

    package init(text: String, isPlain: Bool, tag: String? = nil, mark: YAMLMark) {
        self.text = text
        self.isPlain = isPlain
        self.tag = tag
        self.mark = mark
    }

    package var isNull: Bool {
        isPlain && tag == nil && ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// The typed value: plain scalars resolve to null, booleans and numbers; everything else is a string.
    package var resolved: YAMLValue {
        if let tag, tag.hasSuffix(":str") || tag == "!" { return .string(text) }
        guard isPlain else { return .string(text) }
        if isNull { return .null }
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
            return .bool(true)
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
            return .bool(false)
        default:
            break
        }
        if let integer = Self.integer(text) { return .integer(integer) }
        if let number = Self.float(text) { return .double(number) }
        return .string(text)
    }

    private static func integer(_ text: String) -> Int? {
        var body = Substring(text)
        var negative = false
        if let first = body.first, first == "-" || first == "+" {
            negative = first == "-"
            body = body.dropFirst()
        }
        guard let first = body.first, first.isASCII, first.isNumber else { return nil }
        let digits = String(body.filter { $0 != "_" })
        let value: Int?
        if digits.hasPrefix("0x") {
            value = Int(digits.dropFirst(2), radix: 16)
        } else if digits.hasPrefix("0o") {
            value = Int(digits.dropFirst(2), radix: 8)
        } else if digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            value = Int(digits)
        } else {
            value = nil
        }
        return value.map { negative ? -$0 : $0 }
    }

    private static func float(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        let allowed = Set("0123456789.eE+-_")
        guard text.contains(where: \.isNumber), text.allSatisfy({ allowed.contains($0) }) else { return nil }
        guard text.contains(".") || text.lowercased().contains("e") else { return nil }
        return Double(String(text.filter { $0 != "_" }))
    }
}

/// A resolved YAML value without positions.
package indirect enum YAMLValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case double(Double)
    case string(String)
    case list([YAMLValue])
    case mapping([(String, YAMLValue)])

    package static func == (lhs: YAMLValue, rhs: YAMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.mapping(let a), .mapping(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value written as plain text: scalars as written, lists joined with commas.
    package var plainText: String {
        switch self {
        case .null: ""
        case .bool(let value): String(value)
        case .integer(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): value
        case .list(let items): items.map(\.plainText).joined(separator: ", ")
        case .mapping(let pairs): pairs.map { "\($0.0): \($0.1.plainText)" }.joined(separator: ", ")
        }
    }
}
