import Timestamps

/// A JSON Schema validator for the keywords the Planable document uses.
///
/// It checks `type` (one name or a list), `enum`, `properties`, `required`, `additionalProperties`, `items`,
/// `minItems`, `maxItems`, `minLength`, `maxLength`, `minimum`, `maximum`, `anyOf`, `oneOf`, `allOf` and the
/// `date-time` and `uri` formats. Other keywords are ignored, as JSON Schema allows.
package enum SchemaValidator {
    /// Validates `value` against `schema`.
    ///
    /// - Parameter location: the name of the value in messages, such as `body` or `query parameter limit`.
    /// - Returns: one message per problem found, empty when the value is valid.
    package static func validate(_ value: JSONValue, against schema: JSONValue, at location: String) -> [String] {
        var problems: [String] = []
        check(value, schema, location, &problems)
        return problems
    }

    /// Validates `value` as `validate(_:against:at:)` does, but builds the location's name only when there is a
    /// problem to name, because most values are valid and the request path validates several per request.
    package static func validate(
        _ value: JSONValue, against schema: JSONValue, lazilyAt location: () -> String
    ) -> [String] {
        var problems: [String] = []
        check(value, schema, "", &problems)
        return problems.isEmpty ? [] : validate(value, against: schema, at: location())
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, _ location: String, _ problems: inout [String]) {
        guard case .object = schema else { return }
        if let types = schema["type"], !matchesType(value, types) {
            problems.append("\(location) must be \(typeList(types)), not \(value.typeName)")
            return
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            let names = allowed.map(\.serializedString).joined(separator: ", ")
            problems.append("\(location) must be one of \(names)")
        }
        for keyword in ["anyOf", "oneOf"] {
            guard let options = schema[keyword]?.arrayValue else { continue }
            let results = options.map { validate(value, against: $0, at: location) }
            let matching = results.filter(\.isEmpty).count
            let constants = options.compactMap { $0["enum"]?.arrayValue }
            if matching == 0 && constants.count == options.count {
                // Forms that are each a list of values, such as one form per emoji skin tone, allow their union.
                let names = constants.joined().map(\.serializedString).joined(separator: ", ")
                problems.append("\(location) must be one of \(names)")
            } else if matching == 0 {
                // The form with the fewest problems is most likely the one meant, so all of its problems are named.
                let closest = results.min { $0.count < $1.count } ?? []
                let detail = closest.isEmpty ? "" : " (\(closest.joined(separator: "; ")))"
                problems.append("\(location) does not match any allowed form\(detail)")
            } else if keyword == "oneOf" && matching > 1 {
                problems.append("\(location) matches more than one allowed form, where exactly one is allowed")
            }
        }
        for option in schema["allOf"]?.arrayValue ?? [] {
            check(value, option, location, &problems)
        }
        switch value {
        case .string(let text):
            checkString(text, schema, location, &problems)
        case .integer, .number:
            checkNumber(value.doubleValue ?? 0, schema, location, &problems)
        case .array(let items):
            checkArray(items, schema, location, &problems)
        case .object(let members):
            checkObject(members, schema, location, &problems)
        default:
            break
        }
    }

    private static func matchesType(_ value: JSONValue, _ types: JSONValue) -> Bool {
        let names = types.arrayValue?.compactMap(\.stringValue) ?? types.stringValue.map { [$0] } ?? []
        let actual = value.typeName
        return names.contains(actual) || (actual == "integer" && names.contains("number"))
    }

    private static func typeList(_ types: JSONValue) -> String {
        let names = types.arrayValue?.compactMap(\.stringValue) ?? types.stringValue.map { [$0] } ?? []
        let phrased = names.map { name in
            switch name {
            case "null": "null"
            case "integer", "array", "object": "an \(name)"
            default: "a \(name)"
            }
        }
        return phrased.joined(separator: " or ")
    }

    /// Returns `number` with `noun`, in the plural unless it is 1: "1 item", "2 items".
    private static func count(_ number: Int, _ noun: String) -> String {
        number == 1 ? "1 \(noun)" : "\(number) \(noun)s"
    }

    private static func checkString(_ text: String, _ schema: JSONValue, _ location: String, _ problems: inout [String])
    {
        let length = text.unicodeScalars.count
        if let minimum = schema["minLength"]?.intValue, length < minimum {
            problems.append("\(location) must be at least \(count(minimum, "character")) long")
        }
        if let maximum = schema["maxLength"]?.intValue, length > maximum {
            problems.append("\(location) must be at most \(count(maximum, "character")) long")
        }
        switch schema["format"]?.stringValue {
        case "date-time" where Timestamp.parse(text) == nil:
            problems.append("\(location) must be an RFC 3339 date-time such as 2026-03-01T09:30:00Z")
        case "uri" where !isAbsoluteURI(text):
            problems.append("\(location) must be an absolute URI such as https://example.com/image.png")
        default:
            break
        }
    }

    private static func checkNumber(
        _ number: Double, _ schema: JSONValue, _ location: String, _ problems: inout [String]
    ) {
        if let minimum = schema["minimum"]?.doubleValue, number < minimum {
            problems.append("\(location) must be at least \(JSONValue.number(minimum).serializedString)")
        }
        if let maximum = schema["maximum"]?.doubleValue, number > maximum {
            problems.append("\(location) must be at most \(JSONValue.number(maximum).serializedString)")
        }
    }

    private static func checkArray(
        _ items: [JSONValue], _ schema: JSONValue, _ location: String, _ problems: inout [String]
    ) {
        if let minimum = schema["minItems"]?.intValue, items.count < minimum {
            problems.append("\(location) must have at least \(count(minimum, "item"))")
        }
        if let maximum = schema["maxItems"]?.intValue, items.count > maximum {
            problems.append("\(location) must have at most \(count(maximum, "item"))")
        }
        if let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                check(item, itemSchema, "\(location)[\(index)]", &problems)
            }
        }
    }

    private static func checkObject(
        _ members: [(String, JSONValue)], _ schema: JSONValue, _ location: String, _ problems: inout [String]
    ) {
        let properties = schema["properties"]?.objectValue ?? []
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            if !members.contains(where: { $0.0 == name }) {
                problems.append("\(location).\(name) is required")
            }
        }
        for (name, member) in members {
            if let propertySchema = properties.first(where: { $0.0 == name })?.1 {
                check(member, propertySchema, "\(location).\(name)", &problems)
            } else if let additional = schema["additionalProperties"] {
                if additional == .bool(false) {
                    problems.append("\(location).\(name) is not an allowed property")
                } else {
                    check(member, additional, "\(location).\(name)", &problems)
                }
            }
        }
    }

    /// Whether `text` is an absolute URI: a scheme, a colon and a rest without spaces or control characters.
    package static func isAbsoluteURI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        let scheme = text[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return false }
        let rest = text[text.index(after: colon)...]
        let forbidden: Set<Character> = [" ", "<", ">", "\"", "{", "}", "|", "\\", "^", "`"]
        return !rest.isEmpty
            && rest.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && $0.isASCII }
            && !rest.contains(where: { forbidden.contains($0) })
    }
}
