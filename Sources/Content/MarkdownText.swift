import CCmark
import Foundation

/// Plain text, links and images of a Markdown body, from a walk over the cmark-gfm tree.
///
/// Paragraphs and headings become blocks separated by blank lines, list items become "• item" lines ("1. item" in
/// ordered lists), emphasis marks go, tables become rows of cells joined with " | ", and raw HTML goes through
/// `HTMLText`. Code blocks are dropped unless `keepCode` is true. GFM tables, strikethrough, autolinks and task
/// lists come from cmark-gfm's core extensions.
struct MarkdownText {
    var blocks: [String] = []
    var links: [String] = []
    private var seenLinks = Set<String>()
    var images: [ShortcodeMedia] = []
    /// The first heading's text, used as the title when the front matter has none.
    var firstHeading: String?
    /// The first paragraph's text, the default excerpt as Jekyll defines it.
    var firstParagraph: String?
    /// Whether a raw HTML block or tag has markup that `HTMLMarkupScan` rejects. Such HTML is not parsed.
    var exceedsHTMLLimits = false
    let keepCode: Bool

    /// Nesting deeper than this is read as flat text, so hostile input cannot exhaust the call stack.
    private static let maximumDepth = 48
    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

    /// Registers the GFM extensions once, because cmark-gfm's registration is not safe to run concurrently.
    private static let extensionsRegistered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Serializes parsers. With parsers on several threads, the Debian 12 build of cmark-gfm (0.29.0.gfm.6) now
    /// and then missed a GFM autolink such as `www.example.com`, seen in parallel test runs. The likely cause, not
    /// confirmed in its source here, is that attaching and freeing extensions changes state shared by the process.
    private static let parserLock = NSLock()

    init(markdown: String, keepCode: Bool) {
        self.keepCode = keepCode
        _ = Self.extensionsRegistered
        Self.parserLock.lock()
        defer { Self.parserLock.unlock() }
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES
        guard let parser = cmark_parser_new(options) else { return }
        defer { cmark_parser_free(parser) }
        for name in Self.extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        let bytes = Array(markdown.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    cmark_parser_feed(parser, $0, buffer.count)
                }
            }
        }
        guard let document = cmark_parser_finish(parser) else { return }
        defer { cmark_node_free(document) }
        blocks = blockTexts(of: document, depth: 0)
    }

    private static func children(of node: OpaquePointer) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            result.append(current)
            child = cmark_node_next(current)
        }
        return result
    }

    private static func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    private static func typeName(_ node: OpaquePointer) -> String {
        cmark_node_get_type_string(node).map { String(cString: $0) } ?? ""
    }

    private mutating func blockTexts(of container: OpaquePointer, depth: Int) -> [String] {
        if depth > Self.maximumDepth { return [flatText(of: container)] }
        var result: [String] = []
        for node in Self.children(of: container) {
            switch cmark_node_get_type(node) {
            case CMARK_NODE_PARAGRAPH:
                let paragraph = inlineText(of: node, depth: depth)
                if firstParagraph == nil && !paragraph.isEmpty { firstParagraph = paragraph }
                result.append(paragraph)
            case CMARK_NODE_HEADING:
                let heading = inlineText(of: node, depth: depth, isHeading: true)
                if firstHeading == nil && !heading.isEmpty { firstHeading = heading }
                result.append(heading)
            case CMARK_NODE_LIST:
                result.append(listText(node, depth: depth))
            case CMARK_NODE_BLOCK_QUOTE:
                var quoted = blockTexts(of: node, depth: depth + 1)
                if let first = quoted.first {
                    quoted[0] = Self.removingAlertMarker(first)
                    if firstParagraph == first { firstParagraph = quoted[0] }
                }
                result.append(contentsOf: quoted)
            case CMARK_NODE_CODE_BLOCK:
                if keepCode { result.append(Self.literal(node).trimmingTrailingNewlines()) }
            case CMARK_NODE_HTML_BLOCK:
                let html = HTMLText(html: Self.literal(node), keepCode: keepCode)
                if html.exceedsLimits { exceedsHTMLLimits = true }
                result.append(contentsOf: html.blocks)
                html.links.forEach { addLink($0) }
                images.append(contentsOf: html.images)
            case CMARK_NODE_THEMATIC_BREAK, CMARK_NODE_FOOTNOTE_DEFINITION:
                break
            default:
                if Self.typeName(node) == "table" {
                    result.append(tableText(node, depth: depth))
                } else {
                    result.append(contentsOf: blockTexts(of: node, depth: depth + 1))
                }
            }
        }
        return result.filter { !$0.isEmpty }
    }

    /// Removes a leading GitHub alert marker such as `[!NOTE]`, which GitHub and Hugo render as a styled box rather
    /// than as text.
    static func removingAlertMarker(_ text: String) -> String {
        for kind in ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"] {
            let marker = "[!\(kind)]"
            if text.uppercased().hasPrefix(marker) {
                return String(text.dropFirst(marker.count)).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return text
    }

    private mutating func listText(_ list: OpaquePointer, depth: Int) -> String {
        let ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST
        var number = Int(cmark_node_get_list_start(list))
        var lines: [String] = []
        for item in Self.children(of: list) {
            var marker = ordered ? "\(number). " : "• "
            if Self.typeName(item) == "tasklist" || cmark_gfm_extensions_get_tasklist_item_checked(item) {
                marker += cmark_gfm_extensions_get_tasklist_item_checked(item) ? "[x] " : "[ ] "
            }
            number += 1
            let itemBlocks = blockTexts(of: item, depth: depth + 1)
            let itemLines = itemBlocks.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: true)
            guard let first = itemLines.first else {
                lines.append(marker.trimmingCharacters(in: .whitespaces))
                continue
            }
            lines.append(marker + first)
            lines.append(contentsOf: itemLines.dropFirst().map { "  " + $0 })
        }
        return lines.joined(separator: "\n")
    }

    private mutating func tableText(_ table: OpaquePointer, depth: Int) -> String {
        var rows: [String] = []
        for row in Self.children(of: table) {
            let cells = Self.children(of: row).map { inlineText(of: $0, depth: depth) }
            let line = cells.joined(separator: " | ").trimmingCharacters(in: .whitespaces)
            if !line.isEmpty && line.contains(where: { $0 != "|" && $0 != " " }) { rows.append(line) }
        }
        return rows.joined(separator: "\n")
    }

    /// Joins the inline content of `node` into one block, with white space runs collapsed and each line trimmed.
    private mutating func inlineText(of node: OpaquePointer, depth: Int, isHeading: Bool = false) -> String {
        var text = ""
        appendInlines(of: node, to: &text, depth: depth)
        return Self.collapsingSpaces(Self.joiningSourceLines(text, isHeading: isHeading))
    }

    /// Encloses inline code until `joiningSourceLines` removes it.
    static let codeMark = "\u{1E}"

    /// Stands for a line break in the Markdown source within a block, which the text shows as a space, until
    /// `joiningSourceLines` has looked at the lines.
    static let softBreak = "\u{1F}"

    /// Joins the source lines of a block's text, split at `softBreak`, with spaces, and removes the markup that
    /// Hugo's Goldmark and Jekyll's kramdown read there rather than show:
    ///
    /// - a heading's attribute list at its end, as in `Settings {#settings}`;
    /// - a block's last line that is an attribute list with an id, a class or a quoted value, such as
    ///   `{class="wide"}`, which Goldmark's block attributes and kramdown apply to the block before it, and any line
    ///   or end of kramdown's `{: .note}` form. Braces in prose, such as `{x=2}`, stay;
    /// - the `: ` of a definition list's definition, so that `term` and `: definition` read `term: definition`.
    static func joiningSourceLines(_ text: String, isHeading: Bool = false) -> String {
        guard
            text.contains(softBreak) || text.hasSuffix("}") || text.hasSuffix("]:") || text.contains("][")
                || text.contains(codeMark)
        else { return text }
        let sourceLines = text.components(separatedBy: softBreak)
        var lines: [String] = []
        // Whether the last line was trimmed already, so that definitions that follow it append to it in place.
        var lastTrimmed = false
        for (index, line) in sourceLines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let isLast = index == sourceLines.count - 1
            if trimmed.hasPrefix("{:") && isAttributeList(trimmed[...]) { continue }
            if isLast && index > 0 && isBlockAttributeList(trimmed[...]) { continue }
            // A reference definition without a target, left by a Liquid loop that wrote the definitions.
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]:"), !trimmed.dropFirst().dropLast(2).contains("]") {
                continue
            }
            if trimmed.hasPrefix(": "), let last = lines.last, lastTrimmed || !last.allSatisfy(\.isWhitespace) {
                if !lastTrimmed {
                    lines[lines.count - 1] = last.trimmingCharacters(in: .whitespaces)
                    lastTrimmed = true
                }
                lines[lines.count - 1] += ": " + trimmed.dropFirst(2)
                continue
            }
            lines.append(line)
            lastTrimmed = false
        }
        var joined = lines.joined(separator: " ")
        if joined.hasSuffix("}"), let open = joined.range(of: " {", options: .backwards) {
            let list = joined[joined.index(after: open.lowerBound)...]
            if (isHeading && isAttributeList(list)) || (list.hasPrefix("{:") && isAttributeList(list)) {
                joined = String(joined[..<open.lowerBound])
            }
        }
        return removingUnresolvedReferences(joined)
    }

    /// Tells whether `text` is an attribute list that a block takes from the line after it: one with an id
    /// (`#name`), a class (`.name`) or a quoted value, as Hugo's documentation writes `{class="!mt-0"}`.
    static func isBlockAttributeList(_ text: Substring) -> Bool {
        guard isAttributeList(text) else { return false }
        let inner = text.dropFirst().dropLast()
        return inner.hasPrefix(":") || inner.contains("\"") || inner.contains("'")
            || inner.split(separator: " ").contains { $0.hasPrefix("#") || $0.hasPrefix(".") }
    }

    /// Returns `text` with each reference link that cmark left as text, because no definition has its label, as
    /// its link text: `[#1037][]` becomes `#1037` and `[find][find-filter]` becomes `find`. Such a definition is
    /// missing when a Liquid loop wrote it. Brackets right after a letter or digit, as in `grid[row][col]`, and a
    /// label without a letter, as in `[1][2]`, stay. Inline code, between `codeMark`s, stays, and the marks go.
    static func removingUnresolvedReferences(_ text: String) -> String {
        func followsWord(_ output: String) -> Bool {
            output.last.map { $0.isLetter || $0.isNumber || "])".contains($0) } ?? false
        }
        guard text.contains("][") || text.contains(codeMark) else { return text }
        let mark = Character(codeMark)
        let characters = Array(text)
        var output = ""
        output.reserveCapacity(text.utf8.count)
        // Finds the `]` that closes a bracket opened before `start`, outside code, or nil at a `[` outside code.
        func closingBracket(from start: Int) -> Int? {
            var index = start
            var inCode = false
            while index < characters.count {
                let character = characters[index]
                if character == mark {
                    inCode.toggle()
                } else if !inCode && (character == "[" || character == "]") {
                    return character == "]" ? index : nil
                }
                index += 1
            }
            return nil
        }
        var index = 0
        var inCode = false
        while index < characters.count {
            let character = characters[index]
            if character == mark {
                inCode.toggle()
                index += 1
                continue
            }
            // A reference follows a space, punctuation or the start, and its label is empty or has a letter, so
            // `grid[row][col]`, `[1][2]` and a task box `[x][ ]` stay as written.
            if !inCode && character == "[", !followsWord(output), let close = closingBracket(from: index + 1),
                close > index + 1,
                close + 1 < characters.count, characters[close + 1] == "[",
                let end = closingBracket(from: close + 2),
                !characters[close + 2..<end].contains(mark),
                characters[close + 2..<end].isEmpty || characters[close + 2..<end].contains(where: \.isLetter)
            {
                output += String(characters[index + 1..<close]).replacingOccurrences(of: codeMark, with: "")
                index = end + 1
                continue
            }
            output.append(character)
            index += 1
        }
        return output
    }

    /// Tells whether `text` is an attribute list as Goldmark and kramdown write them: `{#id .class key="value"}`,
    /// or kramdown's `{: ...}`, which may also name a reference such as `{:toc}`.
    static func isAttributeList(_ text: Substring) -> Bool {
        guard text.count >= 3, text.first == "{", text.last == "}" else { return false }
        var inner = text.dropFirst().dropLast()
        let isKramdown = inner.first == ":"
        if isKramdown { inner = inner.dropFirst() }
        let isName: (Character) -> Bool = { $0.isLetter || $0.isNumber || "-_:".contains($0) }
        var tokens = 0
        var rest = inner.drop { $0 == " " }
        while let first = rest.first {
            if first == "#" || first == "." {
                let name = rest.dropFirst().prefix { !$0.isWhitespace && !"{}=\"'#".contains($0) }
                // A CSS id or class starts with a letter, `_` or `-`, so `{.5}` is a number in braces.
                guard let initial = name.first, initial.isLetter || "_-".contains(initial) else { return false }
                rest = rest.dropFirst(name.count + 1)
            } else {
                let key = rest.prefix(while: isName)
                guard !key.isEmpty else { return false }
                rest = rest.dropFirst(key.count)
                if rest.first == "=" {
                    rest = rest.dropFirst()
                    if let quote = rest.first, quote == "\"" || quote == "'" {
                        guard let close = rest.dropFirst().firstIndex(of: quote) else { return false }
                        rest = rest[rest.index(after: close)...]
                    } else {
                        let value = rest.prefix { !$0.isWhitespace }
                        guard !value.isEmpty else { return false }
                        rest = rest.dropFirst(value.count)
                    }
                } else if !isKramdown {
                    return false
                }
            }
            guard rest.isEmpty || rest.first == " " else { return false }
            tokens += 1
            rest = rest.drop { $0 == " " }
        }
        return tokens > 0
    }

    /// Collapses runs of spaces and tabs to one space, trims each line and drops empty lines, working on UTF-8
    /// bytes because the text can be megabytes long.
    static func collapsingSpaces(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        var lineHasText = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                pendingSpace = lineHasText
            case UInt8(ascii: "\n"):
                pendingSpace = false
                if lineHasText {
                    output.append(byte)
                    lineHasText = false
                }
            default:
                if pendingSpace { output.append(UInt8(ascii: " ")) }
                pendingSpace = false
                lineHasText = true
                output.append(byte)
            }
        }
        if output.last == UInt8(ascii: "\n") { output.removeLast() }
        return String(decoding: Self.joiningPunctuation(output), as: UTF8.self)
    }

    /// Drops the space before a `.` or `,` that ends a word, as in "Look at this ." where an image or a template
    /// tag was removed. A `.` that starts a word, as in ".NET", keeps its space.
    static func joiningPunctuation(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() {
            let isSpace = byte == UInt8(ascii: " ") && index > 0 && index + 1 < bytes.count
            if isSpace && (bytes[index + 1] == UInt8(ascii: ".") || bytes[index + 1] == UInt8(ascii: ",")) {
                let after = index + 2 < bytes.count ? bytes[index + 2] : UInt8(ascii: " ")
                if after == UInt8(ascii: " ") || after == UInt8(ascii: "\n") { continue }
            }
            output.append(byte)
        }
        return output
    }

    private mutating func appendInlines(of node: OpaquePointer, to text: inout String, depth: Int) {
        if depth > Self.maximumDepth {
            text += flatText(of: node)
            return
        }
        for child in Self.children(of: node) {
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT:
                text += Self.literal(child)
            case CMARK_NODE_CODE:
                // Marked, so that `joiningSourceLines` leaves brackets in code alone.
                let code = Self.literal(child).replacingOccurrences(of: Self.codeMark, with: "")
                text += Self.codeMark + code + Self.codeMark
            case CMARK_NODE_SOFTBREAK:
                text += Self.softBreak
            case CMARK_NODE_LINEBREAK:
                text += "\n"
            case CMARK_NODE_HTML_INLINE:
                appendInlineHTML(Self.literal(child), to: &text)
            case CMARK_NODE_LINK:
                let url = cmark_node_get_url(child).map { String(cString: $0) } ?? ""
                var label = ""
                appendInlines(of: child, to: &label, depth: depth + 1)
                text += label.isEmpty ? url : label
                addLink(url)
            case CMARK_NODE_IMAGE:
                let url = cmark_node_get_url(child).map { String(cString: $0) } ?? ""
                var alt = ""
                appendInlines(of: child, to: &alt, depth: depth + 1)
                alt = alt.replacingOccurrences(of: Self.softBreak, with: " ")
                    .replacingOccurrences(of: Self.codeMark, with: "")
                if !url.isEmpty { images.append(ShortcodeMedia(source: url, alt: alt.isEmpty ? nil : alt)) }
            case CMARK_NODE_FOOTNOTE_REFERENCE:
                break
            default:
                appendInlines(of: child, to: &text, depth: depth + 1)
            }
        }
    }

    /// Inline HTML arrives one tag at a time, so only tags that carry content matter: `<br>`, `<img>` and `<a>`.
    private mutating func appendInlineHTML(_ html: String, to text: inout String) {
        let lowered = html.lowercased()
        if lowered.hasPrefix("<br") {
            text += "\n"
        } else if lowered.hasPrefix("<img") || lowered.hasPrefix("<a ") {
            let parsed = HTMLText(html: html, keepCode: keepCode)
            if parsed.exceedsLimits { exceedsHTMLLimits = true }
            images.append(contentsOf: parsed.images)
            parsed.links.forEach { addLink($0) }
        }
    }

    private mutating func addLink(_ url: String) {
        guard !url.isEmpty, !url.hasPrefix("#"), seenLinks.insert(url).inserted else { return }
        links.append(url)
    }

    /// Collects the text and code literals under `node` with cmark's iterator instead of recursion.
    private func flatText(of node: OpaquePointer) -> String {
        guard let iterator = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iterator) }
        var text = ""
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let current = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                text += Self.literal(current)
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK, CMARK_NODE_PARAGRAPH:
                text += " "
            default:
                break
            }
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var copy = self
        while copy.last == "\n" { copy.removeLast() }
        return copy
    }
}
