/// Repairs the mistakes of hand-written and generated feeds that make libxml2's recovery lose text, for a second
/// parse of a document that is not well-formed, so that the text reads as feedparser's loose parser reads it:
///
/// - control characters that XML does not allow, raw or as character references (`&#11;`), as text pasted from a
///   word processor brings in, are left out. After one, libxml2 drops every later entity reference, so every
///   `&amp;` and `&lt;` of the entries after it would be lost;
/// - start tags of unescaped HTML with attribute values without quotes (`<a href=x>`) or attributes without a
///   value (`<input disabled>`) get the quotes and values that XML needs, as `UnquotedAttributes` describes;
/// - HTML's empty elements written without their end in unescaped HTML (`<br>`, `<hr>`, `<img ...>`, `<wbr>`) are
///   closed, because libxml2 would take the rest of the document as their content. So is `<p>` in a document
///   without any `</p>`, which uses it the same way, between paragraphs;
/// - other elements of unescaped HTML left open, such as `<b>` or `<span>`, are closed at the end tag of the
///   element that contains them, and end tags that close no open element are left out, as `UnclosedElements`
///   describes;
/// - bare `&` characters are escaped, as `BareAmpersands` describes.
///
/// Comments, CDATA sections and processing instructions keep their text, except for control characters, which
/// XML allows nowhere.
enum LooseXMLRepair {
    struct Repair {
        var bytes: [UInt8]
        /// The line of the first repair, and what it was, for the feed's ill-formed reason.
        var firstLine: Int
        var problem: String
    }

    /// Returns the repaired document, or nil when it needs no repair.
    static func repaired(_ bytes: [UInt8]) -> Repair? {
        var current = bytes
        var problems: [(line: Int, text: String)] = []
        if let stripped = withoutControlCharacters(current) {
            current = stripped.bytes
            problems.append((stripped.firstLine, "a control character, which XML does not allow, was left out"))
        }
        if let fixed = withoutInvalidReferences(current) {
            current = fixed.bytes
            problems.append(
                (fixed.firstLine, "a character reference to a character that XML does not allow was left out"))
        }
        if let quoted = UnquotedAttributes.quoted(current) {
            current = quoted.bytes
            problems.append(
                (
                    quoted.firstLine,
                    "an attribute of unescaped HTML without quotes, without a value or without a space before it, "
                        + "such as <a href=x> or <input disabled>, was read as HTML reads it; the feed should escape "
                        + "its HTML or put it in a CDATA section"
                ))
        }
        if let closed = closingEmptyHTMLElements(current) {
            current = closed.bytes
            problems.append(
                (
                    closed.firstLine,
                    "an HTML <br>, <hr>, <img>, <wbr> or <p> tag without its end was read as closed; the feed "
                        + "should escape its HTML or put it in a CDATA section"
                ))
        }
        if let balanced = UnclosedElements.balanced(current) {
            current = balanced.bytes
            problems.append((balanced.firstLine, balanced.problem))
        }
        if let escaped = BareAmpersands.escaped(current) {
            current = escaped.bytes
            problems.append(
                (
                    escaped.firstLine,
                    "an & starts no entity or character reference, so it was read as the character &; the feed "
                        + "should write it as &amp;"
                ))
        }
        guard let first = problems.min(by: { $0.line < $1.line }) else { return nil }
        return Repair(bytes: current, firstLine: first.line, problem: first.text)
    }

    /// Returns `bytes` without the control characters that XML 1.0 does not allow (all below 0x20 but tab, line
    /// feed and carriage return), with the line of the first, or nil when there is none. UTF-8 uses no byte below
    /// 0x80 inside a multi-byte character, so the bytes are checked one by one.
    static func withoutControlCharacters(_ bytes: [UInt8]) -> (bytes: [UInt8], firstLine: Int)? {
        guard let first = bytes.firstIndex(where: isDisallowedControl) else { return nil }
        let line = 1 + bytes[..<first].filter { $0 == UInt8(ascii: "\n") }.count
        return (bytes.filter { !isDisallowedControl($0) }, line)
    }

    private static func isDisallowedControl(_ byte: UInt8) -> Bool {
        byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D
    }

    /// Returns `bytes` without the character references, outside comments, CDATA sections and processing
    /// instructions, to code points that XML does not allow, such as `&#11;` or `&#xFFFF;`, or nil when it has none.
    static func withoutInvalidReferences(_ bytes: [UInt8]) -> (bytes: [UInt8], firstLine: Int)? {
        rewrite(bytes) { bytes, index in
            guard bytes[index] == UInt8(ascii: "&"), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "#")
            else { return nil }
            var cursor = index + 2
            let hex = bytes[cursor] == UInt8(ascii: "x") || bytes[cursor] == UInt8(ascii: "X")
            if hex { cursor += 1 }
            var value: UInt64 = 0
            let digitsStart = cursor
            while cursor < bytes.count, let digit = digitValue(bytes[cursor], hex: hex), cursor - digitsStart < 10 {
                value = value * (hex ? 16 : 10) + UInt64(digit)
                cursor += 1
            }
            guard cursor > digitsStart, cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";"),
                !isAllowedCharacter(value)
            else { return nil }
            return (cursor + 1, [])
        }
    }

    /// Tells whether XML 1.0 allows code point `value` in a document.
    private static func isAllowedCharacter(_ value: UInt64) -> Bool {
        value == 0x09 || value == 0x0A || value == 0x0D || (0x20...0xD7FF).contains(value)
            || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
    }

    private static func digitValue(_ byte: UInt8, hex: Bool) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// The names of HTML's empty elements that feeds write in unescaped HTML, and `p`, which a document without
    /// `</p>` uses as one.
    static let emptyElements: [[UInt8]] = ["br", "hr", "img", "wbr", "p"].map { Array($0.utf8) }

    /// Returns `bytes` with each `<br>`, `<hr>`, `<img ...>`, `<wbr>` or `<p>` tag, outside comments, CDATA sections
    /// and processing instructions, written as an empty-element tag (`<br/>`), or nil when there is none. An
    /// empty-element tag stays as it is. So does every tag of a name whose end tag (`</img>`) comes later in the
    /// document, as in XHTML, because closing it would leave that end tag unmatched.
    static func closingEmptyHTMLElements(_ bytes: [UInt8]) -> (bytes: [UInt8], firstLine: Int)? {
        let lastEndTags = emptyElements.map { name in lastEndTag(of: name, in: bytes) }
        return rewrite(bytes) { bytes, index in
            guard bytes[index] == UInt8(ascii: "<"),
                let found = emptyElements.firstIndex(where: { startsName($0, in: bytes, at: index + 1) })
            else { return nil }
            if let lastEnd = lastEndTags[found], lastEnd > index { return nil }
            // The tag ends at the first `>` outside a quoted attribute value.
            var close = index + 1 + emptyElements[found].count
            var quote: UInt8?
            while close < bytes.count {
                let byte = bytes[close]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                } else if byte == UInt8(ascii: "<") {
                    return nil
                }
                close += 1
            }
            guard close < bytes.count, bytes[close - 1] != UInt8(ascii: "/") else { return nil }
            return (close + 1, Array(bytes[index..<close]) + Array("/>".utf8))
        }
    }

    /// Returns the index of the last end tag of `name`, in any case, in `bytes`, or nil when there is none.
    private static func lastEndTag(of name: [UInt8], in bytes: [UInt8]) -> Int? {
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "/"),
                startsName(name, in: bytes, at: index + 2)
            {
                return index
            }
            index -= 1
        }
        return nil
    }

    /// Tells whether `name`, in any case, starts at `start` and ends there, before white space, `/` or `>`.
    private static func startsName(_ name: [UInt8], in bytes: [UInt8], at start: Int) -> Bool {
        guard start + name.count < bytes.count else { return false }
        for (offset, letter) in name.enumerated() where bytes[start + offset] | 0x20 != letter {
            return false
        }
        let after = bytes[start + name.count]
        return after == UInt8(ascii: ">") || after == UInt8(ascii: "/") || [0x20, 0x09, 0x0A, 0x0D].contains(after)
    }

    /// Copies `bytes`, skipping comments, CDATA sections and processing instructions, and replaces each range that
    /// `replacement` finds at an index with its bytes. `replacement` returns the index after the range and the
    /// bytes that replace it, or nil to keep the byte at the index. Returns nil when nothing was replaced.
    static func rewrite(
        _ bytes: [UInt8], _ replacement: ([UInt8], Int) -> (end: Int, bytes: [UInt8])?
    ) -> (bytes: [UInt8], firstLine: Int)? {
        var output: [UInt8] = []
        var firstLine: Int?
        var line = 1
        var index = 0
        var copiedUpTo = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
            } else if byte == UInt8(ascii: "<"), let end = BareAmpersands.endOfUnparsedSection(bytes, at: index) {
                for skipped in bytes[index..<end] where skipped == UInt8(ascii: "\n") { line += 1 }
                index = end
                continue
            } else if let (end, replaced) = replacement(bytes, index) {
                if firstLine == nil {
                    firstLine = line
                    output.reserveCapacity(bytes.count + 64)
                }
                output.append(contentsOf: bytes[copiedUpTo..<index])
                output.append(contentsOf: replaced)
                for skipped in bytes[index..<end] where skipped == UInt8(ascii: "\n") { line += 1 }
                index = end
                copiedUpTo = end
                continue
            }
            index += 1
        }
        guard let firstLine else { return nil }
        output.append(contentsOf: bytes[copiedUpTo...])
        return (output, firstLine)
    }
}
