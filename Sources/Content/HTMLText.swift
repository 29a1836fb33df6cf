import CLibXML2
import Foundation
import HTMLScan

/// Text, links and images extracted from HTML with libxml2's HTML parser.
struct HTMLText {
    var title: String?
    /// The text of the first `<h1>`, `<h2>` or `<h3>`, the title when a document has no `<title>`.
    var firstHeading: String?
    var description: String?
    /// The value of `<meta name="date">` or `<meta property="article:published_time">`.
    var date: String?
    /// Paragraphs and other blocks of body text, in order.
    var blocks: [String] = []
    var links: [String] = []
    private var seenLinks = Set<String>()
    var images: [ShortcodeMedia] = []
    /// Whether the HTML has markup that `HTMLMarkupScan` rejects, such as a tag of over 500 attributes. Such HTML is
    /// not parsed, and its text, links and images stay empty.
    var exceedsLimits = false

    private static let skippedElements: Set<String> = [
        "script", "style", "template", "noscript", "head", "svg", "iframe",
    ]
    private static let blockElements: Set<String> = [
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul", "body", "html",
    ]

    /// Runs libxml2's global set-up once, because Swift runs a static initializer exactly once, even under
    /// concurrent use. Other targets that call `xmlInitParser` themselves are not covered.
    private static let parserInitialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Parses `html`, a whole document or a fragment; `<pre>` content is kept only when `keepCode` is true.
    init(html: String, keepCode: Bool) {
        let bytes = Array(html.utf8)
        guard !bytes.isEmpty else { return }
        if HTMLMarkupScan.exceedsLimits(html) {
            exceedsLimits = true
            return
        }
        _ = Self.parserInitialized
        let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                htmlReadMemory(pointer, Int32(clamping: buffer.count), nil, "UTF-8", options)
            }
        }
        guard let document else { return }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return }
        walk(root, keepCode: keepCode)
    }

    /// Lines and blocks of text being assembled during the walk.
    private struct TextCollector {
        var line = ""
        var lines: [String] = []
        var blocks: [String] = []

        mutating func flushLine() {
            var collapsed = line.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            // Table cells end with a separator, which the last cell of a row does not need.
            while collapsed.hasSuffix("|") {
                collapsed = String(collapsed.dropLast()).trimmingCharacters(in: .whitespaces)
            }
            if !collapsed.isEmpty { lines.append(collapsed) }
            line = ""
        }

        mutating func flushBlock() {
            flushLine()
            if !lines.isEmpty { blocks.append(lines.joined(separator: "\n")) }
            lines = []
        }

        /// Adds code text line by line, keeping its spaces.
        mutating func appendCode(_ text: String) {
            for (index, codeLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if index > 0 {
                    lines.append(line)
                    line = ""
                }
                line += codeLine
            }
        }
    }

    private mutating func walk(_ root: xmlNodePtr, keepCode: Bool) {
        // An explicit stack instead of recursion, so deeply nested hostile markup cannot overflow the call stack.
        enum Step {
            case enter(xmlNodePtr)
            case exit(String)
        }
        var collector = TextCollector()
        var stack: [Step] = [.enter(root)]
        var preDepth = 0
        while let step = stack.popLast() {
            switch step {
            case .exit(let name):
                if name == "pre" {
                    preDepth -= 1
                    if keepCode { collector.flushBlock() }
                } else if ["li", "tr", "dt", "dd"].contains(name) {
                    collector.flushLine()
                } else if Self.blockElements.contains(name) {
                    collector.flushBlock()
                } else if name == "td" || name == "th" {
                    collector.line += " | "
                }
            case .enter(let node):
                switch node.pointee.type {
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    guard preDepth == 0 || keepCode, let content = node.pointee.content else { break }
                    if preDepth > 0 {
                        collector.appendCode(String(cString: content))
                    } else {
                        collector.line += String(cString: content)
                    }
                case XML_ELEMENT_NODE:
                    let name = Self.name(of: node)
                    if name == "head" { readHead(node) }
                    if Self.skippedElements.contains(name) { break }
                    enter(node, name: name, collector: &collector)
                    if name == "pre" { preDepth += 1 }
                    stack.append(.exit(name))
                    var children: [xmlNodePtr] = []
                    var child = node.pointee.children
                    while let current = child {
                        children.append(current)
                        child = current.pointee.next
                    }
                    stack.append(contentsOf: children.reversed().map { .enter($0) })
                default:
                    break
                }
            }
        }
        collector.flushBlock()
        blocks = collector.blocks
    }

    private mutating func enter(_ node: xmlNodePtr, name: String, collector: inout TextCollector) {
        if firstHeading == nil, ["h1", "h2", "h3"].contains(name) {
            let heading = Self.textContent(of: node).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !heading.isEmpty { firstHeading = heading }
        }
        switch name {
        case "br":
            collector.flushLine()
        case "li":
            collector.flushLine()
            collector.line = "• "
        case "tr", "dt", "dd":
            collector.flushLine()
        case "a":
            if let href = Self.attribute("href", of: node), !href.isEmpty, !href.hasPrefix("#"),
                seenLinks.insert(href).inserted
            {
                links.append(href)
            }
        case "img":
            if let source = Self.attribute("src", of: node), !source.isEmpty {
                images.append(ShortcodeMedia(source: source, alt: Self.attribute("alt", of: node)))
            }
        default:
            if Self.blockElements.contains(name) { collector.flushBlock() }
        }
    }

    private mutating func readHead(_ head: xmlNodePtr) {
        if title == nil, let titleNode = Self.firstElement(named: "title", under: head) {
            title = Self.textContent(of: titleNode).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        var child = head.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE && Self.name(of: node) == "meta" { readMeta(node) }
            child = node.pointee.next
        }
    }

    private mutating func readMeta(_ node: xmlNodePtr) {
        let key = (Self.attribute("name", of: node) ?? Self.attribute("property", of: node) ?? "").lowercased()
        guard let content = Self.attribute("content", of: node) else { return }
        switch key {
        case "description", "og:description":
            if description == nil { description = content }
        case "date", "article:published_time", "dcterms.date", "dc.date":
            if date == nil { date = content }
        default:
            break
        }
    }

    static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
    }

    static func attribute(_ wanted: String, of node: xmlNodePtr) -> String? {
        var property = node.pointee.properties
        while let current = property {
            if let name = current.pointee.name, String(cString: name).lowercased() == wanted {
                var text = ""
                var child = current.pointee.children
                while let value = child {
                    if let content = value.pointee.content { text += String(cString: content) }
                    child = value.pointee.next
                }
                return text
            }
            property = current.pointee.next
        }
        return nil
    }

    static func textContent(of node: xmlNodePtr) -> String {
        var text = ""
        var stack: [xmlNodePtr] = [node]
        while let current = stack.popLast() {
            if current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content {
                text += String(cString: content)
            }
            var children: [xmlNodePtr] = []
            var child = current.pointee.children
            while let next = child {
                children.append(next)
                child = next.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        return text
    }

    static func firstElement(named wanted: String, under node: xmlNodePtr) -> xmlNodePtr? {
        var stack: [xmlNodePtr] = [node]
        while let current = stack.popLast() {
            if current.pointee.type == XML_ELEMENT_NODE && name(of: current) == wanted { return current }
            var child = current.pointee.children
            var children: [xmlNodePtr] = []
            while let next = child {
                children.append(next)
                child = next.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        return nil
    }
}
