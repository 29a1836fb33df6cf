import CLibXML2
import Glibc

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
        var output = ""
        appendPlainText(body, to: &output)
        let paragraphs = output.split(separator: paragraphBreak).map { paragraph in
            paragraph.split(separator: lineBreak).map { collapse(String($0)) }.filter { !$0.isEmpty }
                .joined(separator: "\n")
        }
        return paragraphs.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Re-serializes an HTML fragment with each URL attribute resolved against `base`.
    static func resolvingURLs(_ html: String, base: String?) -> String {
        guard html.contains("<"), let body = parseFragment(html) else { return html }
        return XHTMLWriter.serialize(body.children) { attribute, value in
            urlAttributes.contains(attribute) ? URLResolver.resolve(value, against: base) : value
        }
    }

    /// Parses `html` as the content of a `body` element and returns that element.
    static func parseFragment(_ html: String) -> XMLElement? {
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

    /// Markers for the breaks that elements make, kept apart from newlines in the text, which are whitespace.
    private static let lineBreak: Character = "\u{2028}"
    private static let paragraphBreak: Character = "\u{2029}"

    private static func appendPlainText(_ element: XMLElement, to output: inout String) {
        for child in element.children {
            switch child {
            case .text(let text):
                output += String(text.map { $0.isNewline ? " " : $0 })
            case .element(let inner):
                let name = inner.name.lowercased()
                if skippedElements.contains(name) { continue }
                if name == "img", let alt = inner.attribute("alt") { output += alt }
                let separator: Character? =
                    paragraphElements.contains(name) ? paragraphBreak : (lineElements.contains(name) ? lineBreak : nil)
                if let separator { output.append(separator) }
                appendPlainText(inner, to: &output)
                if let separator { output.append(separator) }
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
