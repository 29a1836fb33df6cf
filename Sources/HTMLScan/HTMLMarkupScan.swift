/// A byte scan of HTML for markup that libxml2's HTML parser reads in time or memory out of proportion to its size,
/// run before the parser reads the HTML.
public enum HTMLMarkupScan {
    /// The maximum number of attributes that one tag may have. libxml2 2.9.14's HTML parser checks a tag's
    /// attributes for duplicates in time quadratic in their count. One tag with 20,000 attributes took 1.6 s in a
    /// debug build. By that rate, a 32 MiB feed or a 10 MiB source file could hold enough of them to stall a sync
    /// for hours. Real HTML has a few.
    public static let maximumAttributesPerTag = 500

    /// The maximum name length that libxml2 2.9.14's `htmlParseHTMLName` reads (`HTML_PARSER_BUFFER_SIZE`). It
    /// reads the rest of a longer name as the next attribute, with no space between them.
    private static let maximumNameLength = 100

    /// Tells whether `html` has more than `maximumTags` tags, or a tag that may have more than
    /// `maximumAttributesPerTag` attributes. Inside a tag and outside quoted values, a name that follows white
    /// space, a slash or a quoted value counts as `ceil(length / 100)` attributes. Any other run of bytes, such as
    /// the tag's name or an unquoted value, counts as one fewer. That is at least as many as libxml2's HTML
    /// parser reads, because it needs no space between a quoted value and the next attribute and it splits a
    /// name every 100 bytes.
    public static func exceedsLimits(_ html: String, maximumTags: Int = .max) -> Bool {
        var html = html
        return html.withUTF8 { bytes in
            let count = bytes.count
            var tags = 0
            var index = 0
            while index + 1 < count {
                guard bytes[index] == UInt8(ascii: "<") else {
                    index += 1
                    continue
                }
                let next = bytes[index + 1]
                if isASCIILetter(next) || next == UInt8(ascii: "/") || next == UInt8(ascii: "!")
                    || next == UInt8(ascii: "?")
                {
                    tags += 1
                    if tags > maximumTags { return true }
                }
                guard isASCIILetter(next) else {
                    index += 1
                    continue
                }
                index += 1
                if tagAttributeCount(bytes, from: &index) > maximumAttributesPerTag { return true }
            }
            return false
        }
    }

    /// Counts the attributes of the tag whose name starts at `index`, as `exceedsLimits` describes, and
    /// moves `index` past the tag. Stops counting once the count passes `maximumAttributesPerTag`.
    private static func tagAttributeCount(_ bytes: UnsafeBufferPointer<UInt8>, from index: inout Int) -> Int {
        let count = bytes.count
        var attributes = 0
        var startsName = false
        while index < count && attributes <= maximumAttributesPerTag {
            switch bytes[index] {
            case UInt8(ascii: ">"):
                index += 1
                return attributes
            case let byte where isHTMLSpace(byte) || byte == UInt8(ascii: "/"):
                startsName = true
                index += 1
            case UInt8(ascii: "="):
                index += 1
                while index < count && isHTMLSpace(bytes[index]) { index += 1 }
                guard index < count else { return attributes }
                let quote = bytes[index]
                if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                    index += 1
                    while index < count && bytes[index] != quote { index += 1 }
                    index += 1
                    startsName = true
                } else {
                    startsName = false
                }
            default:
                let runStart = index
                while index < count && !endsRun(bytes[index]) { index += 1 }
                let chunks = (index - runStart + maximumNameLength - 1) / maximumNameLength
                attributes += startsName ? chunks : chunks - 1
                startsName = false
            }
        }
        return attributes
    }

    private static func endsRun(_ byte: UInt8) -> Bool {
        isHTMLSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "=")
    }

    private static func isHTMLSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}
