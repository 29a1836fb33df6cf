import Timestamps

/// A JSON value that keeps the order of object members and keeps integers apart from other numbers.
///
/// Not `indirect`: arrays and member lists already hold their elements out of line, and boxing every value cost
/// an allocation per string and number in each rendered response.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)): return Double(a) == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member `key` of an object; `nil` for a missing key or a value that is not an object.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    package var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    package var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    package var intValue: Int? {
        switch self {
        case .integer(let value): value
        case .number(let value) where value.rounded() == value && abs(value) < 9e15: Int(value)
        default: nil
        }
    }

    package var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    package var arrayValue: [JSONValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    package var objectValue: [(String, JSONValue)]? {
        if case .object(let value) = self { value } else { nil }
    }

    package var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// The JSON Schema type name of the value: "null", "boolean", "integer", "number", "string", "array", "object".
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number(let value): value.rounded() == value && value.isFinite ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The value serialized as compact UTF-8 JSON.
    package var serialized: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        JSONWriter.write(self, into: &output)
        return output
    }

    package var serializedString: String {
        String(decoding: serialized, as: UTF8.self)
    }

    /// Appends the value serialized as compact UTF-8 JSON to `output`.
    func write(into output: inout [UInt8]) {
        JSONWriter.write(self, into: &output)
    }
}

/// Writes JSON text straight to bytes, for responses that are too hot to build as a `JSONValue` tree first.
///
/// Containers open and close in order; a member name comes before each value of an object, and the commas are
/// placed by the stream. Its output is the same as the serialization of the equivalent `JSONValue`.
struct JSONStream {
    private(set) var bytes: [UInt8] = []
    /// For each open container: whether it is an array, and whether it has an element yet.
    private var open: [(isArray: Bool, hasElement: Bool)] = []

    init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
        open.reserveCapacity(8)
    }

    /// Writes the comma before an array element, and marks the container as having one.
    private mutating func element() {
        guard let last = open.indices.last else { return }
        if open[last].isArray {
            if open[last].hasElement { bytes.append(UInt8(ascii: ",")) }
            open[last].hasElement = true
        }
    }

    mutating func beginObject() {
        element()
        bytes.append(UInt8(ascii: "{"))
        open.append((false, false))
    }

    mutating func endObject() {
        open.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        element()
        bytes.append(UInt8(ascii: "["))
        open.append((true, false))
    }

    mutating func endArray() {
        open.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes the name of the next member of the open object. `name` must need no escaping.
    mutating func key(_ name: StaticString) {
        let last = open.count - 1
        if open[last].hasElement { bytes.append(UInt8(ascii: ",")) }
        open[last].hasElement = true
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes the name of the next member of the open object, escaped as needed. It has a label because a
    /// literal would otherwise take this overload, String being the default literal type, instead of the
    /// StaticString one that needs no escaping check.
    mutating func key(escaping name: String) {
        let last = open.count - 1
        if open[last].hasElement { bytes.append(UInt8(ascii: ",")) }
        open[last].hasElement = true
        JSONWriter.writeString(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ text: String) {
        element()
        JSONWriter.writeString(text, into: &bytes)
    }

    /// Writes a string, or null for nil.
    mutating func string(_ text: String?) {
        if let text { string(text) } else { null() }
    }

    /// Writes Unix seconds as a `Timestamp.format` string, or null for nil.
    mutating func timestamp(_ seconds: Double?) {
        guard let seconds else { return null() }
        element()
        bytes.append(UInt8(ascii: "\""))
        Timestamp.append(seconds, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func integer(_ number: Int) {
        element()
        JSONWriter.writeInteger(number, into: &bytes)
    }

    mutating func bool(_ flag: Bool) {
        element()
        JSONWriter.writeStatic(flag ? "true" : "false", into: &bytes)
    }

    mutating func null() {
        element()
        JSONWriter.writeStatic("null", into: &bytes)
    }

    mutating func value(_ value: JSONValue) {
        element()
        JSONWriter.write(value, into: &bytes)
    }

    /// Bytes that already hold one serialized JSON value.
    mutating func serialized(_ json: [UInt8]) {
        element()
        bytes.append(contentsOf: json)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int) { self = .integer(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(nilLiteral: ()) { self = .null }
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    package init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
    package init(floatLiteral value: Double) { self = .number(value) }
}

extension JSONValue {
    /// A string, or null when `value` is nil.
    package static func optional(_ value: String?) -> JSONValue {
        value.map { .string($0) } ?? .null
    }
}

private enum JSONWriter {
    static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null:
            writeStatic("null", into: &output)
        case .bool(let flag):
            writeStatic(flag ? "true" : "false", into: &output)
        case .integer(let number):
            writeInteger(number, into: &output)
        case .number(let number):
            if number.isFinite {
                if number.rounded() == number && abs(number) < 1e15 {
                    writeInteger(Int(number), into: &output)
                } else {
                    output.append(contentsOf: "\(number)".utf8)
                }
            } else {
                writeStatic("null", into: &output)
            }
        case .string(let text):
            writeString(text, into: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(item, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.0, into: &output)
                output.append(UInt8(ascii: ":"))
                write(member.1, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func writeStatic(_ text: StaticString, into output: inout [UInt8]) {
        text.withUTF8Buffer { output.append(contentsOf: $0) }
    }

    /// Tells whether `bytes` contain a control character, a quote or a backslash, testing eight bytes at a time.
    /// Some byte of `word` is zero exactly when `(word - 0x01...) & ~word & 0x80...` has a high bit set.
    static func needsEscaping(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            // Bytes under 0x20 are the ones where subtracting 0x20 borrows from a byte whose high bit is clear.
            let controls = (word &- ones &* 0x20) & ~word & highs
            let found = ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & highs | controls
            if found != 0 { return true }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            index += 1
        }
        return false
    }

    /// Writes the decimal digits of `number` without building a String.
    static func writeInteger(_ number: Int, into output: inout [UInt8]) {
        if number >= 0 && number < 10 {
            output.append(UInt8(48 + number))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var magnitude = number.magnitude
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }

    static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        let plain = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !needsEscaping(UnsafeRawBufferPointer(bytes)) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if plain == true {
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): writeStatic("\\\"", into: &output)
            case UInt8(ascii: "\\"): writeStatic("\\\\", into: &output)
            case 0x0A: writeStatic("\\n", into: &output)
            case 0x0D: writeStatic("\\r", into: &output)
            case 0x09: writeStatic("\\t", into: &output)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
