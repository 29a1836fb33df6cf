/// A 1-based line and column in a template's source.
struct SourcePosition: Sendable, Equatable {
    var line: Int
    var column: Int
}

/// A name in a tag: `.` for the current context, or keys joined by dots.
struct TagName: Sendable, Equatable {
    /// The name as written, without surrounding spaces.
    var text: String
    /// The keys to look up in turn, empty for the implicit iterator `.`.
    var keys: [String]
}

/// One piece of a template's source, in source order.
enum TemplateToken: Sendable, Equatable {
    case text(String, SourcePosition)
    case newline(String, SourcePosition)
    case variable(TagName, escaped: Bool, SourcePosition)
    /// A section or inverted section start. `closeTag` is the end tag to suggest in errors, written with
    /// the delimiters in force at the start tag.
    case sectionStart(TagName, inverted: Bool, closeTag: String, SourcePosition)
    case sectionEnd(TagName, SourcePosition)
    case comment
    case setDelimiters

    /// True for the tags that the spec removes together with their line when they stand alone on it.
    var canStandAlone: Bool {
        switch self {
        case .sectionStart, .sectionEnd, .comment, .setDelimiters: return true
        case .text, .newline, .variable: return false
        }
    }
}

/// Splits a template's source into tokens, applying set-delimiter tags and the spec's standalone-line rule.
///
/// Some tags can stand alone: section starts and ends, comments and set delimiters. When such a tag is the
/// only tag on its line and the rest of the line is spaces and tabs, the scanner drops that whitespace and
/// the line's newline.
struct TemplateScanner {
    private let name: String
    private let source: [Unicode.Scalar]
    private let lineStarts: [Int]
    private var open: [Unicode.Scalar] = ["{", "{"]
    private var close: [Unicode.Scalar] = ["}", "}"]
    private var tokens: [TemplateToken] = []
    private var line: [TemplateToken] = []

    init(name: String, source: String) {
        self.name = name
        self.source = Array(source.unicodeScalars)
        var starts = [0]
        for (offset, scalar) in self.source.enumerated() where scalar == "\n" {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// Returns the tokens of the whole source.
    mutating func scan() throws(TemplateError) -> [TemplateToken] {
        var offset = 0
        var text = ""
        var textStart = 0
        while offset < source.count {
            if matches(open, at: offset) {
                appendText(&text, startingAt: textStart)
                let (token, end) = try scanTag(at: offset)
                line.append(token)
                offset = end
                textStart = offset
            } else if let lineEnd = lineEnd(at: offset) {
                appendText(&text, startingAt: textStart)
                let lineEndPosition = position(of: offset)
                offset += lineEnd.unicodeScalars.count
                endLine(newline: .newline(lineEnd, lineEndPosition))
                textStart = offset
            } else {
                text.unicodeScalars.append(source[offset])
                offset += 1
            }
        }
        appendText(&text, startingAt: textStart)
        endLine(newline: nil)
        return tokens
    }

    private func lineEnd(at offset: Int) -> String? {
        if source[offset] == "\n" { return "\n" }
        if source[offset] == "\r", offset + 1 < source.count, source[offset + 1] == "\n" { return "\r\n" }
        return nil
    }

    private mutating func appendText(_ text: inout String, startingAt offset: Int) {
        guard !text.isEmpty else { return }
        line.append(.text(text, position(of: offset)))
        text = ""
    }

    /// Converts a scalar offset into a line and column.
    func position(of offset: Int) -> SourcePosition {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourcePosition(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    private mutating func endLine(newline: TemplateToken?) {
        let tags = line.filter {
            if case .text = $0 { return false }
            return true
        }
        let onlyBlankText = line.allSatisfy {
            guard case .text(let text, _) = $0 else { return true }
            return text.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" }
        }
        if tags.count == 1, tags[0].canStandAlone, onlyBlankText {
            tokens.append(tags[0])
        } else {
            tokens.append(contentsOf: line)
            if let newline { tokens.append(newline) }
        }
        line.removeAll(keepingCapacity: true)
    }

    private func matches(_ delimiter: [Unicode.Scalar], at offset: Int) -> Bool {
        guard offset + delimiter.count <= source.count else { return false }
        for index in delimiter.indices where source[offset + index] != delimiter[index] {
            return false
        }
        return true
    }

    private func find(_ delimiter: [Unicode.Scalar], from offset: Int) -> Int? {
        var index = offset
        while index + delimiter.count <= source.count {
            if matches(delimiter, at: index) { return index }
            index += 1
        }
        return nil
    }

    private func error(at offset: Int, _ message: String) -> TemplateError {
        let position = position(of: offset)
        return TemplateError(templateName: name, line: position.line, column: position.column, message: message)
    }

    private var openText: String { String(String.UnicodeScalarView(open)) }
    private var closeText: String { String(String.UnicodeScalarView(close)) }

    /// Scans the tag whose open delimiter starts at `start`, and returns it with the offset after it.
    private mutating func scanTag(at start: Int) throws(TemplateError) -> (TemplateToken, Int) {
        let position = position(of: start)
        let contentStart = start + open.count
        if contentStart < source.count, source[contentStart] == "{" {
            let closing: [Unicode.Scalar] = ["}"] + close
            guard let end = find(closing, from: contentStart + 1) else {
                throw error(at: start, "tag \(openText){ is never closed; add }\(closeText)")
            }
            let name = try tagName(from: contentStart + 1, to: end, tagStart: start)
            return (.variable(name, escaped: false, position), end + closing.count)
        }
        guard let end = find(close, from: contentStart) else {
            throw error(at: start, "tag \(openText) is never closed; add \(closeText)")
        }
        let after = end + close.count
        let sigil = contentStart < end ? source[contentStart] : " "
        switch sigil {
        case "!":
            return (.comment, after)
        case "=":
            try setDelimiters(from: contentStart + 1, to: end, tagStart: start)
            return (.setDelimiters, after)
        case "#", "^":
            let name = try tagName(from: contentStart + 1, to: end, tagStart: start)
            let closeTag = "\(openText)/\(name.text)\(closeText)"
            return (.sectionStart(name, inverted: sigil == "^", closeTag: closeTag, position), after)
        case "/":
            return (.sectionEnd(try tagName(from: contentStart + 1, to: end, tagStart: start), position), after)
        case "&":
            return (
                .variable(try tagName(from: contentStart + 1, to: end, tagStart: start), escaped: false, position),
                after
            )
        case ">":
            throw error(
                at: start, "partials (\(openText)> name\(closeText)) are not supported; write the text in place")
        case "<", "$":
            throw error(at: start, "template inheritance (\(openText)\(sigil) name\(closeText)) is not supported")
        default:
            return (
                .variable(try tagName(from: contentStart, to: end, tagStart: start), escaped: true, position), after
            )
        }
    }

    private func tagName(from start: Int, to end: Int, tagStart: Int) throws(TemplateError) -> TagName {
        let raw = String(String.UnicodeScalarView(source[start..<end]))
        let text = raw.trimmingSpaces
        if text.isEmpty {
            throw error(
                at: tagStart,
                "tag \(openText)\(raw)\(closeText) has no name; write a key, like \(openText)title\(closeText)")
        }
        if text == "." { return TagName(text: text, keys: []) }
        let keys = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let invalid = text.unicodeScalars.contains { $0.properties.isWhitespace } || keys.contains { $0.isEmpty }
        if invalid {
            throw error(
                at: tagStart,
                "tag \(openText)\(raw)\(closeText) has an invalid name \"\(text)\"; a name is a key or keys joined by dots, like \(openText)author.name\(closeText)"
            )
        }
        return TagName(text: text, keys: keys)
    }

    private mutating func setDelimiters(from start: Int, to end: Int, tagStart: Int) throws(TemplateError) {
        let usage = "write a set-delimiter tag as \(openText)=<% %>=\(closeText)"
        guard end > start, source[end - 1] == "=" else {
            throw error(at: tagStart, "set-delimiter tag does not end with \"=\"; \(usage)")
        }
        let inner = String(String.UnicodeScalarView(source[start..<(end - 1)]))
        let parts = inner.split { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard parts.count == 2, parts.allSatisfy({ !$0.contains("=") }) else {
            throw error(at: tagStart, "set-delimiter tag needs two delimiters without \"=\" or spaces; \(usage)")
        }
        open = Array(parts[0].unicodeScalars)
        close = Array(parts[1].unicodeScalars)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
