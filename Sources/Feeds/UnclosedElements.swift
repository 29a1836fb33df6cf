/// Balances the start and end tags of unescaped HTML in a feed, for the second parse of a document that is not
/// well-formed.
///
/// libxml2 2.9.14's recovery takes every end tag as the end of the innermost open element, whatever its name. After
/// `<description>Hello <b>world</description></item>`, `</description>` ends the `<b>` and `</item>` ends the
/// description, so every later item is read inside the first one. feedparser's loose parser reads each item. So:
///
/// - an end tag whose name matches an element further out, in any letter case, first closes the elements opened
///   inside that element, as an HTML parser does: the `<b>` above ends at `</description>`;
/// - an end tag that matches no open element, such as a stray `</b>`, is left out, because libxml2 would end the
///   innermost open element with it.
///
/// Elements still open at the end of the document stay open, so a document cut off in transfer still reads as one.
/// Comments, CDATA sections and processing instructions are skipped. The scan takes time linear in the document's
/// length, because each element is pushed and popped once, and a count of open elements by name shows in constant
/// time whether an end tag matches any of them.
///
/// libxml2 does not open an element whose start tag it cannot read to its end, such as `<a href=x>` or
/// `<a href="a<b">`, and reads the rest of that tag as text. The scan models this, so later entries are kept.
/// `UnquotedAttributes` runs first and repairs the tags that HTML reads, such as `<a href=x>`.
enum UnclosedElements {
    struct Repair {
        var bytes: [UInt8]
        var firstLine: Int
        /// The kind of the first repair, for the feed's ill-formed reason.
        var problem: String
    }

    /// Returns `bytes` with the end tags of unclosed elements added and the end tags that close no open element left
    /// out, or nil when the tags already balance.
    static func balanced(_ bytes: [UInt8]) -> Repair? {
        var scan = TagScan()
        guard let rewritten = LooseXMLRepair.rewrite(bytes, { bytes, index in scan.repair(bytes, at: index) }),
            let problem = scan.firstProblem
        else { return nil }
        return Repair(bytes: rewritten.bytes, firstLine: rewritten.firstLine, problem: problem)
    }
}

/// The open elements as libxml2 would track them, and the repair each tag needs.
private struct TagScan {
    private struct OpenElement {
        /// The name as written, for the end tag that closes it.
        var name: ArraySlice<UInt8>
        /// The name in ASCII lower case, which end tags are matched against.
        var key: [UInt8]
    }

    private var open: [OpenElement] = []
    /// The number of open elements by `key`, so an end tag that matches none is found without a search.
    private var openCounts: [[UInt8]: Int] = [:]
    /// The index before which the bytes belong to a tag already read.
    private var resumeAt = 0
    private(set) var firstProblem: String?

    /// Reads the tag at `index`, if one starts there, and returns its replacement when it needs one.
    mutating func repair(_ bytes: [UInt8], at index: Int) -> (end: Int, bytes: [UInt8])? {
        guard index >= resumeAt, bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else { return nil }
        if bytes[index + 1] == UInt8(ascii: "/") {
            return endTag(bytes, at: index)
        }
        if XMLBytes.isNameStart(bytes[index + 1]) {
            startTag(bytes, at: index)
        }
        return nil
    }

    private mutating func endTag(_ bytes: [UInt8], at index: Int) -> (end: Int, bytes: [UInt8])? {
        let nameEnd = self.nameEnd(bytes, from: index + 2)
        var close = nameEnd
        while close < bytes.count, XMLBytes.isSpace(bytes[close]) { close += 1 }
        // libxml2 ends the innermost element at any `</`, even one without a name or `>`. Such a tag is left as
        // it is, so the model ends that element as well.
        guard nameEnd > index + 2, close < bytes.count, bytes[close] == UInt8(ascii: ">") else {
            pop()
            return nil
        }
        resumeAt = close + 1

        let key = lowercased(bytes[(index + 2)..<nameEnd])
        guard openCounts[key, default: 0] > 0 else {
            if firstProblem == nil {
                firstProblem =
                    "an end tag that closes no open element, such as a stray </b> in unescaped HTML, was left out"
            }
            return (close + 1, [])
        }

        var closing: [UInt8] = []
        while let innermost = open.last, innermost.key != key {
            closing += Array("</".utf8) + innermost.name + [UInt8(ascii: ">")]
            pop()
        }
        pop()
        guard !closing.isEmpty else { return nil }
        if firstProblem == nil {
            firstProblem =
                "an element of unescaped HTML without its end tag, such as <b> or <span>, was closed at the end of "
                + "the element that contains it; the feed should escape its HTML or put it in a CDATA section"
        }
        return (close + 1, closing + bytes[index...close])
    }

    /// Reads a start tag as libxml2 2.9.14 does: the element is open after a `>` that ends the tag, or after an
    /// attribute without a value when `>` follows it. An attribute value without quotes, or a `<` before the tag's
    /// end, makes libxml2 drop the element and read the rest as text.
    private mutating func startTag(_ bytes: [UInt8], at index: Int) {
        let nameStart = index + 1
        let nameEnd = self.nameEnd(bytes, from: nameStart)
        var cursor = nameEnd
        while true {
            while cursor < bytes.count, XMLBytes.isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count else { break }
            if bytes[cursor] == UInt8(ascii: ">") {
                push(bytes[nameStart..<nameEnd])
                resumeAt = cursor + 1
                return
            }
            if bytes[cursor] == UInt8(ascii: "/"), cursor + 1 < bytes.count, bytes[cursor + 1] == UInt8(ascii: ">") {
                resumeAt = cursor + 2
                return
            }
            let attribute = self.attribute(bytes, from: cursor)
            cursor = attribute.end
            guard attribute.isValid else { break }
            // libxml2 needs white space between attributes.
            if cursor < bytes.count, !XMLBytes.isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: ">"),
                bytes[cursor] != UInt8(ascii: "/")
            {
                break
            }
        }
        // The attribute at `cursor` is invalid. libxml2 still reads the element when the tag ends right there.
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ">") {
            push(bytes[nameStart..<nameEnd])
            resumeAt = cursor + 1
        } else {
            resumeAt = cursor
        }
    }

    /// Reads the attribute `name="value"` at `start`. Returns the index after it, or the index of the first byte
    /// that does not fit, where libxml2 stops reading the attribute.
    private func attribute(_ bytes: [UInt8], from start: Int) -> (end: Int, isValid: Bool) {
        guard XMLBytes.isNameStart(bytes[start]) else { return (start, false) }
        var cursor = nameEnd(bytes, from: start)
        while cursor < bytes.count, XMLBytes.isSpace(bytes[cursor]) { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else { return (cursor, false) }
        cursor += 1
        while cursor < bytes.count, XMLBytes.isSpace(bytes[cursor]) { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") else {
            return (cursor, false)
        }
        let quote = bytes[cursor]
        cursor += 1
        while cursor < bytes.count, bytes[cursor] != quote {
            if bytes[cursor] == UInt8(ascii: "<") { return (cursor, false) }
            cursor += 1
        }
        return cursor < bytes.count ? (cursor + 1, true) : (cursor, false)
    }

    private mutating func push(_ name: ArraySlice<UInt8>) {
        let key = lowercased(name)
        open.append(OpenElement(name: name, key: key))
        openCounts[key, default: 0] += 1
    }

    private mutating func pop() {
        guard let innermost = open.popLast() else { return }
        openCounts[innermost.key, default: 0] -= 1
    }

    private func nameEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start
        while end < bytes.count, XMLBytes.isNameCharacter(bytes[end]) { end += 1 }
        return end
    }

    private func lowercased(_ name: ArraySlice<UInt8>) -> [UInt8] {
        name.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
    }
}
