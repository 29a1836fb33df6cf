import CTOMLBridge
import Foundation
import YAML

/// A file split into its front matter, parsed, and the body that follows it.
struct FrontMatter {
    var format: FrontMatterFormat
    /// The parsed mapping with positions; `nil` when the file has no front matter. TOML front matter has no
    /// positions that point into the file, so its marks are left out of error messages.
    var root: YAMLNode?
    var hasPositions: Bool
    /// The text after the front matter.
    var body: Substring

    var value: YAMLValue {
        root?.value ?? .mapping([])
    }

    /// Looks up the line and column of the value under `key`, when the front matter format keeps positions.
    func position(of key: String) -> (line: Int?, column: Int?) {
        guard hasPositions, let node = root?[key] else { return (nil, nil) }
        return (node.mark.line, node.mark.column)
    }
}

/// Splits and parses YAML (`---`), TOML (`+++`) and JSON (`{ ... }`) front matter.
enum FrontMatterParser {
    private static let fixHint = "fix the front matter, or leave the file out with the source's exclude setting"

    /// Splits `text` into front matter and body and parses the front matter into a mapping.
    ///
    /// - Throws: `ContentError` naming `path` and the line and column of the problem.
    static func parse(_ text: String, path: String) throws(ContentError) -> FrontMatter {
        let firstLineEnd = text.firstIndex(of: "\n") ?? text.endIndex
        let firstLine = text[..<firstLineEnd].trimmingTrailingWhitespace()
        if firstLine == "---" {
            return try parseDelimited(text, after: firstLineEnd, closers: ["---", "..."], path: path) {
                (content: String) throws(ContentError) -> YAMLNode in
                do {
                    return try YAMLParser.parse(content, lineOffset: 1)
                } catch let error as YAMLError {
                    // The hint already names the fix, so only the way out is added to it.
                    let advice = error.hint.map { "\($0), or leave the file out with the source's exclude setting" }
                    throw ContentError(
                        path: path, line: error.mark.line, column: error.mark.column,
                        message: "invalid YAML front matter: \(error.messageWithoutHint); \(advice ?? fixHint)")
                } catch {
                    throw ContentError(path: path, line: 2, message: "invalid YAML front matter: \(error); \(fixHint)")
                }
            }.withFormat(.yaml, positions: true)
        }
        if firstLine == "+++" {
            return try parseDelimited(text, after: firstLineEnd, closers: ["+++"], path: path) {
                (content: String) throws(ContentError) -> YAMLNode in
                try parseTOML(content, path: path)
            }.withFormat(.toml, positions: false)
        }
        if startsWithJSONObject(text) {
            return try parseJSON(text, path: path)
        }
        return FrontMatter(format: .none, root: nil, hasPositions: false, body: text[...])
    }

    /// Tells JSON front matter (`{` and then `"` or `}`) from a body that starts with a template tag such as
    /// `{% include x %}` or `{{< note >}}`.
    private static func startsWithJSONObject(_ text: String) -> Bool {
        guard text.utf8.first == UInt8(ascii: "{") else { return false }
        let next = text.utf8.dropFirst().first {
            ![UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n")].contains($0)
        }
        return next == UInt8(ascii: "\"") || next == UInt8(ascii: "}")
    }

    private static func parseDelimited(
        _ text: String, after firstLineEnd: String.Index, closers: Set<String>, path: String,
        parse: (String) throws(ContentError) -> YAMLNode
    ) throws(ContentError) -> FrontMatter {
        guard firstLineEnd < text.endIndex else {
            throw ContentError(
                path: path, line: 1, column: 1, message: "front matter has no closing line; \(fixHint)")
        }
        let contentStart = text.index(after: firstLineEnd)
        var lineStart = contentStart
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: "\n") ?? text.endIndex
            if closers.contains(String(text[lineStart..<lineEnd].trimmingTrailingWhitespace())) {
                let node = try parse(String(text[contentStart..<lineStart]))
                let bodyStart = lineEnd < text.endIndex ? text.index(after: lineEnd) : lineEnd
                return try checkedMapping(node, body: text[bodyStart...], path: path, positions: true)
            }
            lineStart = lineEnd < text.endIndex ? text.index(after: lineEnd) : lineEnd
        }
        let opener = closers.contains("+++") ? "+++" : "---"
        throw ContentError(
            path: path, line: 1, column: 1,
            message: "front matter starts with \(opener) but no closing \(opener) line follows; \(fixHint)")
    }

    private static func parseTOML(_ content: String, path: String) throws(ContentError) -> YAMLNode {
        var errorMessage: UnsafeMutablePointer<CChar>?
        var errorLine: Int32 = 0
        var errorColumn: Int32 = 0
        let bytes = Array(content.utf8)
        let json = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) { pointer in
                ctoml_to_json(pointer, buffer.count, &errorMessage, &errorLine, &errorColumn)
            }
        }
        guard let json else {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            free(errorMessage)
            throw ContentError(
                path: path, line: errorLine > 0 ? Int(errorLine) + 1 : nil,
                column: errorColumn > 0 ? Int(errorColumn) : nil,
                message: "invalid TOML front matter: \(message); \(fixHint)")
        }
        let jsonText = Array(String(cString: json).utf8)
        free(json)
        do {
            return try JSONReader.parseValue(jsonText).node
        } catch {
            throw ContentError(path: path, message: "TOML front matter could not be converted: \(error.message)")
        }
    }

    private static func parseJSON(_ text: String, path: String) throws(ContentError) -> FrontMatter {
        let bytes = Array(text.utf8)
        let parsed: (node: YAMLNode, end: Int)
        do {
            parsed = try JSONReader.parseValue(bytes)
        } catch {
            throw ContentError(
                path: path, line: error.line, column: error.column,
                message: "invalid JSON front matter: \(error.message); \(fixHint)")
        }
        var bodyStart = parsed.end
        while bodyStart < bytes.count,
            bytes[bodyStart] == UInt8(ascii: " ") || bytes[bodyStart] == UInt8(ascii: "\t")
                || bytes[bodyStart] == UInt8(ascii: "\r")
        {
            bodyStart += 1
        }
        if bodyStart < bytes.count, bytes[bodyStart] == UInt8(ascii: "\n") { bodyStart += 1 }
        let body = String(decoding: bytes[bodyStart...], as: UTF8.self)
        return try checkedMapping(parsed.node, body: body[...], path: path, positions: true)
            .withFormat(.json, positions: true)
    }

    private static func checkedMapping(
        _ node: YAMLNode, body: Substring, path: String, positions: Bool
    ) throws(ContentError) -> FrontMatter {
        switch node {
        case .mapping:
            return FrontMatter(format: .none, root: node, hasPositions: positions, body: body)
        case .scalar(let scalar) where scalar.isNull:
            return FrontMatter(format: .none, root: .mapping([], mark: node.mark), hasPositions: positions, body: body)
        default:
            throw ContentError(
                path: path, line: node.mark.line, column: node.mark.column,
                message: "front matter is \(node.kindDescription), expected a mapping of keys such as title: and "
                    + "date:; \(fixHint)")
        }
    }
}

extension FrontMatter {
    fileprivate func withFormat(_ format: FrontMatterFormat, positions: Bool) -> FrontMatter {
        var copy = self
        copy.format = format
        copy.hasPositions = positions
        return copy
    }
}

extension StringProtocol {
    /// The text without trailing spaces, tabs and carriage returns.
    func trimmingTrailingWhitespace() -> SubSequence {
        var end = endIndex
        while end > startIndex {
            let previous = index(before: end)
            guard self[previous] == " " || self[previous] == "\t" || self[previous] == "\r" else { break }
            end = previous
        }
        return self[startIndex..<end]
    }
}
