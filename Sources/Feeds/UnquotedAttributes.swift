/// Quotes the attribute values of start tags in unescaped HTML that HTML reads but XML does not, for the second parse
/// of a document that is not well-formed.
///
/// libxml2 2.9.14 drops a start tag at an attribute value without quotes (`<a href=x>`), at an attribute without a
/// value (`<input disabled>`) and at an attribute without white space before it (`<a href="x"title="y">`). It reads
/// the rest of the tag as text, so the entry's text gets `x>`. feedparser 6.0.14 reads these tags as HTML does, so
/// the repair rewrites them:
///
/// - a value without quotes runs to white space or `>`, and gets double quotes, with each `"` in it written as
///   `&quot;`. A `/` before the `>` is part of the value, as in HTML, so `<a href=x/>` becomes `<a href="x/">`.
///   feedparser reads the same value but ends the element at that `/>`. The repair keeps it open, because a
///   feed's own element, such as `<rss xmlns:content=http://purl.org/rss/1.0/modules/content/>`, would otherwise
///   end there with every item inside it;
/// - an attribute without a value gets its name as the value, as feedparser writes it: `disabled="disabled"`;
/// - an attribute right after a quoted value gets a space before it.
///
/// A tag with a `<` before its `>`, even inside quotes, is left as it is, because XML allows no `<` in a value and
/// libxml2's recovery reads the rest as text. So is a tag cut off by the end of the document. An `&` in a value is
/// left to `BareAmpersands`.
enum UnquotedAttributes {
    /// Returns `bytes` with the start tags rewritten, and the line of the first one, or nil when no start tag needs
    /// it.
    static func quoted(_ bytes: [UInt8]) -> (bytes: [UInt8], firstLine: Int)? {
        LooseXMLRepair.rewrite(bytes) { bytes, index in
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count, XMLBytes.isNameStart(bytes[index + 1])
            else { return nil }
            return rewrittenStartTag(bytes, at: index)
        }
    }

    /// Returns the index after the start tag at `start` and the tag with its attributes quoted, or nil when the tag
    /// needs no change or is not read as a tag.
    private static func rewrittenStartTag(_ bytes: [UInt8], at start: Int) -> (end: Int, bytes: [UInt8])? {
        var cursor = start + 1
        while cursor < bytes.count, XMLBytes.isNameCharacter(bytes[cursor]) { cursor += 1 }
        var output = Array(bytes[start..<cursor])
        var changed = false
        while true {
            let spaceStart = cursor
            while cursor < bytes.count, XMLBytes.isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count else { return nil }
            output += bytes[spaceStart..<cursor]

            if bytes[cursor] == UInt8(ascii: ">") {
                output.append(UInt8(ascii: ">"))
                return changed ? (cursor + 1, output) : nil
            }
            if bytes[cursor] == UInt8(ascii: "/"), cursor + 1 < bytes.count, bytes[cursor + 1] == UInt8(ascii: ">") {
                output += "/>".utf8
                return changed ? (cursor + 2, output) : nil
            }
            guard XMLBytes.isNameStart(bytes[cursor]) else { return nil }
            // The tag's name ends before any name character, so only a quoted value can come right before this.
            if cursor == spaceStart {
                output.append(UInt8(ascii: " "))
                changed = true
            }

            let nameStart = cursor
            while cursor < bytes.count, XMLBytes.isNameCharacter(bytes[cursor]) { cursor += 1 }
            let nameEnd = cursor
            let name = bytes[nameStart..<nameEnd]
            output += name
            var equals = nameEnd
            while equals < bytes.count, XMLBytes.isSpace(bytes[equals]) { equals += 1 }
            guard equals < bytes.count else { return nil }
            guard bytes[equals] == UInt8(ascii: "=") else {
                output += "=\"".utf8
                output += name
                output.append(UInt8(ascii: "\""))
                changed = true
                continue
            }

            cursor = equals + 1
            while cursor < bytes.count, XMLBytes.isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count else { return nil }
            output += bytes[nameEnd..<cursor]
            let quote = bytes[cursor]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                let valueStart = cursor
                cursor += 1
                while cursor < bytes.count, bytes[cursor] != quote {
                    if bytes[cursor] == UInt8(ascii: "<") { return nil }
                    cursor += 1
                }
                guard cursor < bytes.count else { return nil }
                cursor += 1
                output += bytes[valueStart..<cursor]
                continue
            }

            let valueStart = cursor
            while cursor < bytes.count, !XMLBytes.isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: ">") {
                if bytes[cursor] == UInt8(ascii: "<") { return nil }
                cursor += 1
            }
            guard cursor < bytes.count else { return nil }
            output.append(UInt8(ascii: "\""))
            for byte in bytes[valueStart..<cursor] {
                if byte == UInt8(ascii: "\"") {
                    output += "&quot;".utf8
                } else {
                    output.append(byte)
                }
            }
            output.append(UInt8(ascii: "\""))
            changed = true
        }
    }
}
