import CLibXML2
import Glibc
import HTMLScan

/// HTML fragments read with libxml2's HTML parser: turned into plain text, or re-serialized with relative URLs
/// resolved.
enum HTMLText {
    /// Attributes whose values are URLs, as feedparser's list of relative URIs it resolves.
    private static let urlAttributes: Set<String> = [
        "href", "src", "action", "background", "cite", "codebase", "data", "longdesc", "poster", "usemap",
        "profile",
    ]
    private static let paragraphElements: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "dl", "table", "hr", "section",
        "article", "header", "footer", "figure",
    ]
    private static let lineElements: Set<String> = ["br", "li", "div", "tr", "dd", "dt", "figcaption"]
    private static let skippedElements: Set<String> = ["script", "style", "head", "title", "noscript", "template"]

    /// Whether `text` contains markup or character references, so that it needs the HTML parser.
    static func looksLikeHTML(_ text: String) -> Bool {
        text.contains("<") || text.contains("&")
    }

    /// Converts an HTML fragment to plain text: tags dropped, entities decoded, whitespace collapsed, a line
    /// break for `br`, `li`, `div` and other line-level elements, and a blank line between paragraphs.
    static func plainText(_ html: String) -> String {
        guard looksLikeHTML(html) else { return collapse(html) }
        guard let body = parseFragment(html) else { return collapse(html) }
        var output = PlainTextBuilder()
        appendPlainText(body, to: &output)
        return output.finish()
    }

    /// Re-serializes an HTML fragment with each URL attribute resolved against `base`.
    static func resolvingURLs(_ html: String, base: String?) -> String {
        guard html.contains("<"), let body = parseFragment(html) else { return html }
        return serializeResolvingURLs(body, base: base)
    }

    /// Returns an HTML fragment as `plainText` and as `resolvingURLs` return it, parsing it once.
    static func plainTextAndResolvedHTML(_ html: String, base: String?) -> (plain: String, html: String) {
        guard looksLikeHTML(html), let body = parseFragment(html) else {
            return (collapse(html), html)
        }
        var output = PlainTextBuilder()
        appendPlainText(body, to: &output)
        return (output.finish(), html.contains("<") ? serializeResolvingURLs(body, base: base) : html)
    }

    private static func serializeResolvingURLs(_ body: XMLElement, base: String?) -> String {
        XHTMLWriter.serialize(body.children) { attribute, value in
            urlAttributes.contains(attribute) ? URLResolver.resolve(value, against: base) : value
        }
    }

    /// The maximum number of attributes that one tag of an entry's HTML may have (`HTMLMarkupScan`).
    static let maximumAttributesPerTag = HTMLMarkupScan.maximumAttributesPerTag

    /// The maximum number of tags, end tags, comments and declarations in one fragment. libxml2's HTML tree takes
    /// hundreds of bytes a node: three entries of 9.6 MB of `x<br>` took 10.5 s and 1.0 GB.
    /// NOTE: the cap is per fragment. A 33 MB feed of 66 entries just under it took 8.2 s and 239 MB.
    static let maximumTagsPerFragment = 100_000

    /// Parses `html` as the content of a `body` element and returns that element, or nil when libxml2 cannot
    /// read it or `exceedsParserLimits` rejects it.
    static func parseFragment(_ html: String) -> XMLElement? {
        if exceedsParserLimits(html) { return nil }
        _ = XMLReader.libraryInitialized
        let wrapped = Array("<html><body>\(html)</body></html>".utf8)
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue)
        let document = wrapped.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return nil }
        var node = root.pointee.children
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE, String(cString: current.pointee.name) == "body" {
                return copyHTML(current, depth: 0)
            }
            node = current.pointee.next
        }
        return nil
    }

    /// Tells whether `html` has more than `maximumTagsPerFragment` tags, or a tag that may have more than
    /// `maximumAttributesPerTag` attributes, as `HTMLMarkupScan` counts them.
    static func exceedsParserLimits(_ html: String) -> Bool {
        HTMLMarkupScan.exceedsLimits(html, maximumTags: maximumTagsPerFragment)
    }

    private static func copyHTML(_ node: xmlNodePtr, depth: Int) -> XMLElement {
        var attributes: [(String, String, String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            var value = ""
            if let raw = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: raw)
                free(raw)
            }
            attributes.append(("", String(cString: current.pointee.name), value))
            attribute = current.pointee.next
        }
        let element = XMLElement(
            name: String(cString: node.pointee.name), namespace: "", attributes: attributes, base: nil)
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE where depth < XMLReader.maximumDepth:
                element.children.append(.element(copyHTML(current, depth: depth + 1)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    element.children.append(.text(String(cString: content).repairingC1Controls))
                }
            default:
                break
            }
            child = current.pointee.next
        }
        return element
    }

    private static func appendPlainText(_ element: XMLElement, to output: inout PlainTextBuilder) {
        for child in element.children {
            switch child {
            case .text(let text):
                output.appendText(text)
            case .element(let inner):
                let name = inner.name.lowercased()
                if skippedElements.contains(name) { continue }
                if name == "img", let alt = inner.attribute("alt") { output.appendAlternativeText(alt) }
                if paragraphElements.contains(name) {
                    output.breakParagraph()
                    appendPlainText(inner, to: &output)
                    output.breakParagraph()
                } else if lineElements.contains(name) {
                    output.breakLine()
                    appendPlainText(inner, to: &output)
                    output.breakLine()
                } else {
                    appendPlainText(inner, to: &output)
                }
            }
        }
    }

    /// Collects the `src` of each `img` element in document order, each once, with its `alt` text. Tracking pixels (a
    /// `width` or `height` of 2 or less), emoji images (a class that contains `emoji` or `smiley`, as WordPress
    /// writes them) and `data:` URIs are left out, because none of them is a picture of the post.
    static func images(_ html: String) -> [(url: String, alt: String?)] {
        guard html.contains("<"), let body = parseFragment(html) else { return [] }
        var found: [(url: String, alt: String?)] = []
        var seen: Set<String> = []
        func visit(_ element: XMLElement) {
            for child in element.children {
                guard case .element(let inner) = child else { continue }
                let name = inner.name.lowercased()
                if skippedElements.contains(name) { continue }
                if name == "img", let src = inner.attribute("src").map(collapse),
                    isPicture(inner, src: src), seen.insert(src).inserted
                {
                    let alt = inner.attribute("alt").map(collapse)
                    found.append((src, alt?.isEmpty == false ? alt : nil))
                }
                visit(inner)
            }
        }
        visit(body)
        return found
    }

    private static func isPicture(_ image: XMLElement, src: String) -> Bool {
        if src.isEmpty || src.lowercased().hasPrefix("data:") { return false }
        for dimension in ["width", "height"] {
            if let value = image.attribute(dimension), let pixels = Int(value.filter(\.isNumber)), pixels <= 2,
                !value.contains("%")
            {
                return false
            }
        }
        let classes = (image.attribute("class") ?? "").lowercased()
        return !classes.contains("emoji") && !classes.contains("smiley")
    }

    /// Replaces each run of whitespace with one space and trims the ends.
    static func collapse(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}" {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.unicodeScalars.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// Plain text in paragraphs of lines, built in one pass as UTF-8. Each line's whitespace is collapsed as
/// `HTMLText.collapse` does, empty lines and paragraphs are left out, lines end with a newline and paragraphs with a
/// blank line.
private struct PlainTextBuilder {
    private var bytes: [UInt8] = []
    private var paragraphHasLine = false
    private var lineHasText = false
    private var pendingSpace = false
    /// The newlines to write before the next text: one after a line, two after a paragraph.
    private var pendingNewlines = 0

    /// Appends a text node, in which every line break is whitespace: only elements break lines.
    mutating func appendText(_ content: String) {
        for scalar in content.unicodeScalars {
            switch scalar {
            case " ", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "\u{85}", "\u{2028}", "\u{2029}": appendSpace()
            default: append(scalar)
            }
        }
    }

    /// Appends an image's `alt` text, whose line and paragraph separators (U+2028, U+2029) break like elements.
    mutating func appendAlternativeText(_ content: String) {
        for scalar in content.unicodeScalars {
            switch scalar {
            case " ", "\t", "\n", "\u{0C}", "\r": appendSpace()
            case "\u{2028}": breakLine()
            case "\u{2029}": breakParagraph()
            default: append(scalar)
            }
        }
    }

    mutating func breakLine() {
        if lineHasText {
            paragraphHasLine = true
            pendingNewlines = 1
        }
        lineHasText = false
        pendingSpace = false
    }

    mutating func breakParagraph() {
        breakLine()
        if paragraphHasLine { pendingNewlines = 2 }
        paragraphHasLine = false
    }

    func finish() -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private mutating func appendSpace() {
        pendingSpace = lineHasText
    }

    private mutating func append(_ scalar: Unicode.Scalar) {
        if !lineHasText {
            if !bytes.isEmpty {
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: pendingNewlines))
            }
            pendingNewlines = 0
        }
        if pendingSpace { bytes.append(UInt8(ascii: " ")) }
        pendingSpace = false
        lineHasText = true
        if scalar.isASCII {
            bytes.append(UInt8(scalar.value))
        } else {
            bytes.append(contentsOf: UTF8.encode(scalar)!)
        }
    }
}
