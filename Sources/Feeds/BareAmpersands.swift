import CLibXML2

/// Finds the `&` characters of an XML document that start no entity or character reference, such as the one in
/// `Fish & chips` or in a link's `?a=1&b=2`, which hand-written feeds often contain. An `&` before a name that is
/// neither XML's, HTML's nor declared in the document, as in `Q&A;`, counts too.
///
/// libxml2's recovery mode drops such an `&` with the word after it up to the next `;` or space, so the text
/// loses a word where feedparser's loose parser keeps the character. Escaping each one as `&amp;` before a second
/// parse keeps the text as written. Comments, CDATA sections and processing instructions are left alone,
/// because an `&` is plain text there.
enum BareAmpersands {
    /// Returns `bytes` with every bare `&` written as `&amp;`, and the line of the first one, or nil when the
    /// document has none.
    static func escaped(_ bytes: [UInt8]) -> (bytes: [UInt8], firstLine: Int)? {
        // A document that declares entities may name any of them, so every name counts as a reference there.
        let declaresEntities = contains(bytes, Array("<!ENTITY".utf8))
        return LooseXMLRepair.rewrite(bytes) { bytes, index in
            guard bytes[index] == UInt8(ascii: "&"), !startsReference(bytes, at: index + 1, anyName: declaresEntities)
            else { return nil }
            return (index + 1, Array("&amp;".utf8))
        }
    }

    /// Returns the index after the comment, CDATA section or processing instruction that starts at `start`, or
    /// nil when none starts there. An unclosed one runs to the end of the document.
    static func endOfUnparsedSection(_ bytes: [UInt8], at start: Int) -> Int? {
        for (opening, closing) in [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")] {
            let open = Array(opening.utf8)
            guard bytes.count - start >= open.count, bytes[start..<start + open.count].elementsEqual(open) else {
                continue
            }
            let close = Array(closing.utf8)
            var index = start + open.count
            while index + close.count <= bytes.count {
                if bytes[index..<index + close.count].elementsEqual(close) { return index + close.count }
                index += 1
            }
            return bytes.count
        }
        return nil
    }

    /// Tells whether the bytes at `start` continue an `&` into a reference: `#` and decimal digits, `#x` and hex
    /// digits, or a name, each ended by `;`. The name must be one of XML's five or an HTML entity's, which the
    /// parser reads, unless `anyName` is set.
    private static func startsReference(_ bytes: [UInt8], at start: Int, anyName: Bool) -> Bool {
        guard start < bytes.count else { return false }
        var index = start
        if bytes[index] == UInt8(ascii: "#") {
            index += 1
            let hex = index < bytes.count && (bytes[index] == UInt8(ascii: "x") || bytes[index] == UInt8(ascii: "X"))
            if hex { index += 1 }
            let digitsStart = index
            while index < bytes.count, isDigit(bytes[index], hex: hex) { index += 1 }
            return index > digitsStart && index < bytes.count && bytes[index] == UInt8(ascii: ";")
        }
        guard isNameStart(bytes[index]) else { return false }
        index += 1
        while index < bytes.count,
            isNameStart(bytes[index]) || isDigit(bytes[index], hex: false)
                || bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: ".")
        {
            index += 1
        }
        guard index < bytes.count && bytes[index] == UInt8(ascii: ";") else { return false }
        guard !anyName else { return true }
        let name = String(decoding: bytes[start..<index], as: UTF8.self)
        return ["amp", "lt", "gt", "quot", "apos"].contains(name) || htmlEntityLookup(name) != nil
    }

    /// Tells whether `bytes` contains `needle`.
    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index] == first && bytes[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    /// Tells whether `byte` may start an XML name: an ASCII letter, `_`, `:` or a byte of a multi-byte UTF-8
    /// character.
    private static func isNameStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    private static func isDigit(_ byte: UInt8, hex: Bool) -> Bool {
        if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { return true }
        guard hex else { return false }
        return (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
