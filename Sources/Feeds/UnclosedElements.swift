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
///   innermost open element with it;
/// - an `<item>` start tag first closes the elements left open inside the innermost open `channel`, `rss` or
///   `rdf:RDF`, and an `<entry>` those inside the innermost open Atom `feed`. After `<channel><image><item>`, the
///   `<image>` ends before the item, where libxml2 would read every item inside it and the readers would find none.
///   feedparser reads items wherever they are. An item with a prefix counts only when its container has the same
///   prefix, so an extension's `<foo:item>` inside the channel closes nothing.
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

    /// The local names of the elements that contain RSS items, and of those that contain Atom entries.
    private static let itemContainers: [[UInt8]] = ["channel", "rss", "RDF"].map { Array($0.utf8) }
    private static let entryContainers: [[UInt8]] = [Array("feed".utf8)]
    private static let containers = itemContainers + entryContainers

    private var open: [OpenElement] = []
    /// The indexes in `open` of the elements that contain items or entries, innermost last, so that an item start
    /// finds its container without walking the open elements.
    private var openContainers: [Int] = []
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
        guard XMLBytes.isNameStart(bytes[index + 1]) else { return nil }
        let closing = closeElementsBeforeEntry(bytes, at: index)
        startTag(bytes, at: index)
        // The `<` of the start tag is replaced with the end tags and itself, so the tag is copied as written.
        return closing.isEmpty ? nil : (index + 1, closing + [UInt8(ascii: "<")])
    }

    /// Closes the elements open inside the container of the item or entry whose start tag is at `index`, and
    /// returns their end tags, innermost first. Returns no bytes for any other start tag.
    private mutating func closeElementsBeforeEntry(_ bytes: [UInt8], at index: Int) -> [UInt8] {
        guard let containerIndex = openContainers.last, containerIndex + 1 < open.count else { return [] }
        let (prefix, localName) = splitName(bytes[(index + 1)..<nameEnd(bytes, from: index + 1)])
        let (containerPrefix, containerName) = splitName(open[containerIndex].name)
        let containers: [[UInt8]]
        if localName.elementsEqual("item".utf8) {
            containers = Self.itemContainers
        } else if localName.elementsEqual("entry".utf8) {
            containers = Self.entryContainers
        } else {
            return []
        }
        guard containers.contains(where: { $0.elementsEqual(containerName) }),
            prefix.isEmpty || prefix.elementsEqual(containerPrefix)
        else { return [] }

        var closing: [UInt8] = []
        while open.count > containerIndex + 1, let innermost = open.last {
            closing += Array("</".utf8) + innermost.name + [UInt8(ascii: ">")]
            pop()
        }
        if firstProblem == nil {
            firstProblem =
                "an element left open before an item or entry, such as an unclosed <image> in the channel, was "
                + "closed where the item or entry starts; the feed should close that element or escape its HTML"
        }
        return closing
    }

    /// Splits a qualified name into its prefix, empty when there is none, and its local name.
    private func splitName(_ name: ArraySlice<UInt8>) -> (prefix: ArraySlice<UInt8>, localName: ArraySlice<UInt8>) {
        guard let colon = name.lastIndex(of: UInt8(ascii: ":")) else {
            return (name[name.startIndex..<name.startIndex], name)
        }
        return (name[..<colon], name[(colon + 1)...])
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
        let localName = splitName(name).localName
        if Self.containers.contains(where: { $0.elementsEqual(localName) }) {
            openContainers.append(open.count)
        }
        let key = lowercased(name)
        open.append(OpenElement(name: name, key: key))
        openCounts[key, default: 0] += 1
    }

    private mutating func pop() {
        guard let innermost = open.popLast() else { return }
        openCounts[innermost.key, default: 0] -= 1
        if openContainers.last == open.count { openContainers.removeLast() }
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
