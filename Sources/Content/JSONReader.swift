import YAML

/// A small JSON parser that builds `YAMLNode` trees with line and column marks, so JSON front matter and the TOML
/// bridge's output share the YAML value type and its error positions.
///
/// Object keys keep their written order. Nesting is limited to `YAMLParser.maximumDepth` levels.
enum JSONReader {
    struct Failure: Error {
        var message: String
        var line: Int
        var column: Int
    }

    /// Parses one JSON value that starts at `start`, after optional white space.
    ///
    /// - Parameter lineOffset: added to every reported line, for JSON that starts after other lines.
    /// - Returns: the value and the index just past it.
    static func parseValue(
        _ bytes: [UInt8], from start: Int = 0, lineOffset: Int = 0
    ) throws(Failure) -> (
        node: YAMLNode, end: Int
    ) {
        var parser = Parser(bytes: bytes, index: start, lineOffset: lineOffset)
        parser.skipWhitespace()
        let node = try parser.value(depth: 0)
        return (node, parser.index)
    }

    private struct Parser {
        let bytes: [UInt8]
        var index: Int
        let lineOffset: Int
        var line = 1
        var lineStart = 0

        init(bytes: [UInt8], index: Int, lineOffset: Int) {
            self.bytes = bytes
            self.index = index
            self.lineOffset = lineOffset
            for position in 0..<min(index, bytes.count) where bytes[position] == UInt8(ascii: "\n") {
                line += 1
                lineStart = position + 1
            }
        }

        var mark: YAMLMark {
            var column = 1
            var position = lineStart
            while position < index && position < bytes.count {
                if bytes[position] & 0xC0 != 0x80 { column += 1 }
                position += 1
            }
            return YAMLMark(line: line + lineOffset, column: column)
        }

        func failure(_ message: String) -> Failure {
            let position = mark
            return Failure(message: message, line: position.line, column: position.column)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\n"):
                    line += 1
                    lineStart = index + 1
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    break
                default:
                    return
                }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(Failure) -> YAMLNode {
            guard depth < YAMLParser.maximumDepth else {
                throw failure("nesting deeper than \(YAMLParser.maximumDepth) levels")
            }
            guard index < bytes.count else { throw failure("unexpected end of input, expected a value") }
            let start = mark
            switch bytes[index] {
            case UInt8(ascii: "{"):
                return try object(depth: depth, start: start)
            case UInt8(ascii: "["):
                return try array(depth: depth, start: start)
            case UInt8(ascii: "\""):
                return .scalar(YAMLScalar(text: try string(), isPlain: false, mark: start))
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                for word in ["true", "false", "null"] where hasPrefix(word) {
                    index += word.utf8.count
                    return .scalar(YAMLScalar(text: word, isPlain: true, mark: start))
                }
                throw failure("invalid literal, expected true, false or null")
            default:
                return .scalar(YAMLScalar(text: try number(), isPlain: true, mark: start))
            }
        }

        func hasPrefix(_ word: String) -> Bool {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count else { return false }
            return Array(bytes[index..<index + expected.count]) == expected
        }

        mutating func object(depth: Int, start: YAMLMark) throws(Failure) -> YAMLNode {
            index += 1
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .mapping(pairs, mark: start)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw failure("expected a string key in double quotes")
                }
                let keyMark = mark
                let key = YAMLNode.scalar(YAMLScalar(text: try string(), isPlain: false, mark: keyMark))
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw failure("expected ':' after the object key")
                }
                index += 1
                skipWhitespace()
                pairs.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of input, expected ',' or '}'") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { throw failure("expected ',' or '}' in the object") }
                index += 1
                return .mapping(pairs, mark: start)
            }
        }

        mutating func array(depth: Int, start: YAMLMark) throws(Failure) -> YAMLNode {
            index += 1
            var items: [YAMLNode] = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .sequence(items, mark: start)
            }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of input, expected ',' or ']'") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { throw failure("expected ',' or ']' in the array") }
                index += 1
                return .sequence(items, mark: start)
            }
        }

        mutating func number() throws(Failure) -> String {
            let start = index
            func digits() -> Int {
                let first = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    index += 1
                }
                return index - first
            }
            if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("unexpected character, expected a JSON value") }
            if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw failure("expected digits after the decimal point") }
            }
            if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
                index += 1
                if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                    index += 1
                }
                guard digits() > 0 else { throw failure("expected digits in the exponent") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func string() throws(Failure) -> String {
            index += 1
            var result: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(decoding: result, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    index += 1
                    try escape(into: &result)
                case 0..<0x20:
                    throw failure("control character in a string; write it as an escape such as \\n")
                default:
                    result.append(byte)
                    index += 1
                }
            }
            throw failure("unterminated string")
        }

        mutating func escape(into result: inout [UInt8]) throws(Failure) {
            guard index < bytes.count else { throw failure("unterminated string") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(byte)
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hexQuad()
                if (0xD800..<0xDC00).contains(scalar), hasPrefix("\\u") {
                    index += 2
                    let low = try hexQuad()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                result.append(contentsOf: Array(String(Character(character)).utf8))
            default:
                index -= 1
                throw failure("invalid escape in a string")
            }
        }

        mutating func hexQuad() throws(Failure) -> UInt32 {
            guard index + 4 <= bytes.count,
                let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
            else { throw failure("expected four hexadecimal digits after \\u") }
            index += 4
            return value
        }
    }
}
