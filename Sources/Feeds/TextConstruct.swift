import Foundation

/// Text fields in their three forms: plain text, escaped HTML and inline XHTML.
enum TextConstruct {
    /// A text field as the product uses it.
    struct Value {
        var plain: String
        /// The HTML with relative URLs resolved; nil for plain text.
        var html: String?
    }

    /// Converts a title to plain text: markup and character references that feeds put in titles are decoded.
    static func plainTitle(_ text: String) -> String {
        titleLooksLikeHTML(text) ? HTMLText.plainText(text) : HTMLText.collapse(text)
    }

    /// HTML elements that may make a title HTML, as feedparser's sanitizer accepts them.
    private static let titleElements: Set<String> = [
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big", "blockquote", "br",
        "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "command", "datagrid",
        "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "event-source",
        "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "i", "img", "input", "ins", "kbd", "keygen", "label", "legend", "li", "m", "map", "menu", "meter",
        "multicol", "nav", "nextid", "noscript", "ol", "optgroup", "option", "output", "p", "pre", "progress", "q",
        "s", "samp", "section", "select", "small", "sound", "source", "spacer", "span", "strike", "strong", "sub",
        "sup", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var",
        "video",
    ]

    /// Returns whether a title's text is HTML, by feedparser's test: it has a closing tag or a character
    /// reference, and every tag names an element in `titleElements`. So `Array<T> vs List<T>` and
    /// `the <picture> element`, which WordPress writes escaped in RSS titles, stay text, while `A <b>bold</b> move`
    /// is HTML.
    static func titleLooksLikeHTML(_ text: String) -> Bool {
        guard text.contains("<") || text.contains("&") else { return false }
        // A hand-written scan, because building the three regular expressions `</\w+>`, `&#?\w+;` and `</?(\w+)`
        // for each title took a twentieth of the time of parsing a large feed (`Regex` is not `Sendable`, so it
        // cannot be built once for every thread).
        let characters = Array(text)
        func wordEnd(from start: Int) -> Int {
            var end = start
            while end < characters.count, isWordCharacter(characters[end]) { end += 1 }
            return end
        }
        var hasClosingTag = false
        var hasReference = false
        var tagNames: [String] = []
        for (index, character) in characters.enumerated() {
            if character == "<" {
                let closing = index + 1 < characters.count && characters[index + 1] == "/"
                let nameStart = closing ? index + 2 : index + 1
                let nameEnd = wordEnd(from: nameStart)
                guard nameEnd > nameStart else { continue }
                tagNames.append(String(characters[nameStart..<nameEnd]))
                if closing && nameEnd < characters.count && characters[nameEnd] == ">" { hasClosingTag = true }
            } else if character == "&" {
                let nameStart = index + 1 < characters.count && characters[index + 1] == "#" ? index + 2 : index + 1
                let nameEnd = wordEnd(from: nameStart)
                if nameEnd > nameStart && nameEnd < characters.count && characters[nameEnd] == ";" {
                    hasReference = true
                }
            }
        }
        guard hasClosingTag || hasReference else { return false }
        return tagNames.allSatisfy { titleElements.contains($0.lowercased()) }
    }

    /// Tells whether `character` matches `\w` in a regular expression: a letter, a digit or a connector such as `_`.
    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
            || character.unicodeScalars.first?.properties.generalCategory == .connectorPunctuation
    }

    /// Escaped HTML, with its URLs resolved against `base`.
    static func html(_ text: String, base: String?) -> Value {
        let trimmed = text.trimmingWhitespaceAndNewlines
        guard HTMLText.looksLikeHTML(trimmed) else { return Value(plain: HTMLText.collapse(trimmed), html: trimmed) }
        let (plain, resolved) = HTMLText.plainTextAndResolvedHTML(trimmed, base: base)
        return Value(plain: plain, html: resolved)
    }

    /// Reads an RSS element that contains HTML, escaped as text or written as unescaped child elements.
    static func rss(_ element: XMLElement) -> Value {
        guard !element.elements.isEmpty else { return html(element.text, base: element.base) }
        let markup = xhtml(element.children, base: element.base, stripDiv: false)
        return Value(plain: HTMLText.plainText(markup), html: markup)
    }

    /// Reads a Media RSS `media:description`, which is plain text unless its `type` is `html`, so that its line
    /// breaks and any `<` in its text are kept, as YouTube's descriptions need.
    static func mediaDescription(_ element: XMLElement) -> Value {
        guard element.attribute("type")?.lowercased() == "html" else {
            return Value(plain: element.text.trimmingWhitespaceAndNewlines, html: nil)
        }
        return rss(element)
    }

    /// Inline XHTML children serialized as HTML, the wrapping `div` left out, URLs resolved against each
    /// element's own base.
    static func xhtml(_ nodes: [XMLNode], base: String?, stripDiv: Bool = true) -> String {
        var nodes = nodes
        let elements = nodes.compactMap { if case .element(let element) = $0 { element } else { nil } }
        let onlyWhitespaceAround = nodes.allSatisfy {
            if case .text(let text) = $0 { return text.trimmingWhitespaceAndNewlines.isEmpty }
            return true
        }
        if stripDiv, elements.count == 1, elements[0].name == "div", elements[0].namespace == Namespace.xhtml,
            onlyWhitespaceAround
        {
            nodes = elements[0].children
        }
        let resolved = nodes.map { resolveURLs($0) }
        return XHTMLWriter.serialize(resolved).trimmingWhitespaceAndNewlines
    }

    private static let urlAttributes: Set<String> = [
        "href", "src", "cite", "longdesc", "poster", "background", "action",
    ]

    private static func resolveURLs(_ node: XMLNode) -> XMLNode {
        guard case .element(let element) = node else { return node }
        let attributes = element.attributes.map { attribute -> (String, String, String) in
            let value =
                urlAttributes.contains(attribute.name.lowercased())
                ? URLResolver.resolve(attribute.value, against: element.base) : attribute.value
            return (attribute.namespace, attribute.name, value)
        }
        let copy = XMLElement(
            name: element.name, namespace: element.namespace, attributes: attributes, base: element.base)
        copy.children = element.children.map(resolveURLs)
        return .element(copy)
    }

    /// Reads an Atom text construct (`title`, `summary`, `content`) by its `type` and, for Atom 0.3, its `mode`.
    static func atom(_ element: XMLElement) -> Value {
        let type = (element.attribute("type") ?? "text").lowercased()
        let mode = (element.attribute("mode") ?? "").lowercased()
        var text = element.text
        if mode == "base64", let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) {
            text = String(decoding: data, as: UTF8.self)
        }
        switch type {
        case "xhtml", "application/xhtml+xml":
            if mode == "escaped" { return html(text, base: element.base) }
            let html = xhtml(element.children, base: element.base, stripDiv: type == "xhtml")
            return Value(plain: HTMLText.plainText(html), html: html)
        case "html", "text/html":
            return html(text, base: element.base)
        case "text", "text/plain", "":
            break
        default:
            // RFC 4287 section 4.1.3.3: other non-XML, non-text types are base64-encoded.
            let isXML = type.hasSuffix("+xml") || type.hasSuffix("/xml")
            if !type.hasPrefix("text/") && !isXML && mode.isEmpty,
                let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
            {
                return html(String(decoding: data, as: UTF8.self), base: element.base)
            }
        }
        if mode == "xml" && !element.elements.isEmpty {
            let html = xhtml(element.children, base: element.base)
            return Value(plain: HTMLText.plainText(html), html: html)
        }
        if mode == "escaped" && type != "text" && type != "text/plain" { return html(text, base: element.base) }
        return Value(plain: text.trimmingWhitespaceAndNewlines, html: nil)
    }
}

/// Atom `link` elements, also where RSS documents borrow them.
enum AtomLinks {
    /// The `rel="alternate"` link (the default relation), resolved, preferring an HTML type. A link without
    /// `href` that contains the URL as its text is read too, as feedparser reads it.
    static func alternate(in element: XMLElement, namespaces: Set<String>) -> String? {
        let links = element.children("link", in: namespaces).filter {
            ($0.attribute("rel") ?? "alternate").lowercased() == "alternate" && !href($0).isEmpty
        }
        let preferred =
            links.first { ($0.attribute("type") ?? "text/html").lowercased().contains("html") } ?? links.first
        return preferred.map { URLResolver.resolve(href($0), against: $0.base) }
    }

    private static func href(_ link: XMLElement) -> String {
        link.attribute("href") ?? link.text.trimmedWhitespace
    }

    static func enclosures(in element: XMLElement, namespaces: Set<String>) -> [FeedMedia] {
        element.children("link", in: namespaces).compactMap { link in
            let href = href(link)
            guard link.attribute("rel")?.lowercased() == "enclosure", !href.isEmpty else { return nil }
            return FeedMedia(
                url: URLResolver.resolve(href, against: link.base), type: link.attribute("type"),
                length: link.attribute("length").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                medium: nil, role: .enclosure)
        }
    }
}

/// Media RSS: `media:content` and `media:thumbnail`, directly in an item or inside `media:group`.
enum MediaRSS {
    static func media(in item: XMLElement) -> [FeedMedia] {
        var result: [FeedMedia] = []
        let containers = [item] + item.children("group", in: Namespace.media)
        for container in containers {
            for content in container.children("content", in: Namespace.media) {
                guard let url = content.attribute("url"), !url.isEmpty else { continue }
                let type = content.attribute("type")
                var medium = content.attribute("medium")
                if medium == nil, let type {
                    if type.hasPrefix("image/") {
                        medium = "image"
                    } else if type.hasPrefix("video/") {
                        medium = "video"
                    }
                }
                result.append(
                    FeedMedia(
                        url: URLResolver.resolve(url, against: content.base), type: type,
                        length: content.attribute("fileSize").flatMap { Int($0) }, medium: medium, role: .content))
                for thumbnail in content.children("thumbnail", in: Namespace.media) {
                    result.append(thumbnailMedia(thumbnail))
                }
            }
            for thumbnail in container.children("thumbnail", in: Namespace.media) {
                result.append(thumbnailMedia(thumbnail))
            }
        }
        return result.filter { !$0.url.isEmpty }
    }

    private static func thumbnailMedia(_ element: XMLElement) -> FeedMedia {
        FeedMedia(
            url: URLResolver.resolve(element.attribute("url") ?? "", against: element.base), type: nil, length: nil,
            medium: "image", role: .thumbnail)
    }
}
