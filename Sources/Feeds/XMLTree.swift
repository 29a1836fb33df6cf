import CLibXML2
import Glibc

/// An element of a parsed document, copied out of libxml2's tree so that the feed mappers work on Swift values.
final class XMLElement {
    let name: String
    /// The namespace URI, or "" for none.
    let namespace: String
    let attributes: [(namespace: String, name: String, value: String)]
    /// The base URI in effect for this element: its `xml:base` resolved against the parent's base.
    let base: String?
    /// The namespace URIs this element declares with `xmlns` attributes.
    var declaredNamespaces: [String] = []
    var children: [XMLNode] = []

    init(name: String, namespace: String, attributes: [(String, String, String)], base: String?) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes.map { (namespace: $0.0, name: $0.1, value: $0.2) }
        self.base = base
    }

    var elements: [XMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The concatenated text of this element and its descendants.
    var text: String {
        var result = ""
        appendText(to: &result)
        return result
    }

    private func appendText(to result: inout String) {
        for child in children {
            switch child {
            case .text(let text): result += text
            case .element(let element): element.appendText(to: &result)
            }
        }
    }

    /// Returns the value of the attribute `name` without a namespace, or in `namespace` when one is given.
    func attribute(_ name: String, namespace: String = "") -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }

    /// Returns the child elements named `name` in any of `namespaces`.
    func children(_ name: String, in namespaces: Set<String>) -> [XMLElement] {
        elements.filter { $0.name == name && namespaces.contains($0.namespace) }
    }

    func child(_ name: String, in namespaces: Set<String>) -> XMLElement? {
        elements.first { $0.name == name && namespaces.contains($0.namespace) }
    }

    /// Returns the last child element named `name`, for fields where a later value overrides an earlier one.
    func lastChild(_ name: String, in namespaces: Set<String>) -> XMLElement? {
        elements.last { $0.name == name && namespaces.contains($0.namespace) }
    }
}

enum XMLNode {
    case element(XMLElement)
    case text(String)
}

/// The result of reading a document with libxml2 in recovery mode.
struct XMLParseResult {
    var root: XMLElement?
    /// The first error libxml2 reported, with its line, or nil for a well-formed document.
    var error: String?
    /// The local names of the elements still open where the document ended, outermost first, which a document cut
    /// off in transfer has. Empty when every element was closed or libxml2 stopped reading before the end.
    var openElements: [String] = []
}

/// Reads XML with libxml2, bounded against hostile input.
///
/// Entities are never substituted by libxml2 (no `XML_PARSE_NOENT`) and external ones are never loaded
/// (`XML_PARSE_NONET`, no DTD loading). Internal entities are expanded here while copying the tree, against a
/// budget of characters, so a nested entity bomb stops at the budget. `XML_PARSE_HUGE` stays off, so libxml2 keeps
/// its default depth limit of 256 elements and its limits on text node sizes.
enum XMLReader {
    static let maximumEntityExpansion = 1 << 20
    static let maximumDepth = 256

    /// libxml2 must be initialized once before threads parse at the same time; the XML and HTML readers both
    /// check this first.
    static let libraryInitialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Parses `utf8`. A document that is not well-formed is parsed again after `LooseXMLRepair` repairs the
    /// mistakes that make libxml2 lose text, such as an `&` that starts no reference, so that its text reads as
    /// feedparser's loose parser reads it. The result's error then names the line and kind of the first repair.
    static func parse(_ utf8: [UInt8], url: String?) -> XMLParseResult {
        let result = parseOnce(utf8, url: url)
        guard result.error != nil, let repair = LooseXMLRepair.repaired(utf8) else { return result }
        // The scan checked the document as libxml2 reads it before the repair. A repair can add markup, such as the
        // attributes of a tag that libxml2 dropped before, so a repaired document past a limit is not parsed, and
        // the first parse is returned.
        guard XMLMarkupScan.firstViolation(in: repair.bytes) == nil else { return result }
        var again = parseOnce(repair.bytes, url: url)
        if again.error == nil { again.error = "line \(repair.firstLine): \(repair.problem)" }
        return again
    }

    private static func parseOnce(_ utf8: [UInt8], url: String?) -> XMLParseResult {
        _ = libraryInitialized
        guard let context = xmlNewParserCtxt() else { return XMLParseResult(root: nil, error: "libxml2 has no memory") }
        defer { xmlFreeParserCtxt(context) }
        let undeclared = UndeclaredEntities()
        context.pointee._private = Unmanaged.passUnretained(undeclared).toOpaque()
        context.pointee.sax.pointee.getEntity = lookUpEntity
        let options = Int32(
            XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOCDATA.rawValue)
        let document = utf8.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlCtxtReadMemory(context, $0, Int32(buffer.count), url, "UTF-8", options)
            }
        }
        // A document that ends with open elements gets "Premature end of data in tag" as its last error, unlike one
        // that libxml2 stopped reading, such as at its depth limit. libxml2 2.9 keeps its stack of element names
        // after the parse, so the elements left open are still on it.
        var openElements: [String] = []
        let endedInsideElements = context.pointee.lastError.code == Int32(XML_ERR_TAG_NOT_FINISHED.rawValue)
        if endedInsideElements, let names = context.pointee.nameTab {
            for index in 0..<Int(max(0, context.pointee.nameNr)) {
                if let name = names[index] { openElements.append(String(cString: name)) }
            }
        }
        var error: String?
        if context.pointee.wellFormed == 0 || context.pointee.nsWellFormed == 0 {
            let last = context.pointee.lastError
            let message = last.message.map { String(cString: $0).trimmedWhitespace }
            error = "line \(last.line): \(message ?? "the document is not well-formed XML")"
        }
        if error == nil, let name = undeclared.names.first {
            error = "the entity &\(name); is not declared; it was read as the HTML entity of that name"
        }
        guard let document else { return XMLParseResult(root: nil, error: error ?? "the document is empty") }
        defer { xmlFreeDoc(document) }
        guard let rootNode = xmlDocGetRootElement(document) else {
            return XMLParseResult(root: nil, error: error ?? "the document has no root element")
        }
        var copier = TreeCopier(document: document)
        let root = copier.copy(rootNode, parentBase: url, depth: 0)
        if copier.exceededBudget && error == nil {
            error = "entity expansion passed the limit of \(maximumEntityExpansion) characters"
        }
        return XMLParseResult(root: root, error: error, openElements: openElements)
    }
}

private struct TreeCopier {
    let document: xmlDocPtr
    var budget = XMLReader.maximumEntityExpansion
    var exceededBudget = false

    init(document: xmlDocPtr) {
        self.document = document
    }

    mutating func copy(_ node: xmlNodePtr, parentBase: String?, depth: Int) -> XMLElement {
        var attributes: [(String, String, String)] = []
        var base = parentBase
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            let namespace = current.pointee.ns.map { String(cString: $0.pointee.href) } ?? ""
            var value = ""
            appendAttributeText(current.pointee.children, to: &value, depth: depth)
            value = value.repairingC1Controls
            if name == "base" && namespace == "http://www.w3.org/XML/1998/namespace" {
                base = URLResolver.resolve(value, against: parentBase)
            }
            attributes.append((namespace, name, value))
            attribute = current.pointee.next
        }
        var name = String(cString: node.pointee.name)
        var namespace = node.pointee.ns.map { String(cString: $0.pointee.href) } ?? ""
        namespace = Namespace.aliases[namespace] ?? namespace
        // An element whose prefix the feed never declared keeps the prefix in its name. For the prefixes feeds use
        // with one meaning, the element gets that namespace, as feedparser reads it.
        if namespace.isEmpty, let colon = name.firstIndex(of: ":"),
            let known = Namespace.wellKnownPrefixes[String(name[..<colon])]
        {
            namespace = known
            name = String(name[name.index(after: colon)...])
        }
        let element = XMLElement(name: name, namespace: namespace, attributes: attributes, base: base)
        var declaration = node.pointee.nsDef
        while let current = declaration {
            if let href = current.pointee.href { element.declaredNamespaces.append(String(cString: href)) }
            declaration = current.pointee.next
        }
        appendChildren(of: node.pointee.children, to: element, depth: depth)
        element.children = Self.mergingText(element.children)
        return element
    }

    private mutating func appendChildren(of first: xmlNodePtr?, to element: XMLElement, depth: Int) {
        var child = first
        while let node = child {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                if depth < XMLReader.maximumDepth {
                    element.children.append(.element(copy(node, parentBase: element.base, depth: depth + 1)))
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content { element.children.append(.text(String(cString: content))) }
            case XML_ENTITY_REF_NODE:
                expandEntity(node, into: element, depth: depth)
            default:
                break
            }
            child = node.pointee.next
        }
    }

    /// Joins adjacent text nodes, which entity references split, and repairs C1 control characters in the
    /// joined text so that a sequence spread over several references is repaired as a whole.
    private static func mergingText(_ nodes: [XMLNode]) -> [XMLNode] {
        var merged: [XMLNode] = []
        // Appending in place keeps an element with many entity references linear; `pending + text` copied the
        // text so far for each reference.
        var pending = ""
        var hasPending = false
        for node in nodes {
            switch node {
            case .text(let text):
                pending.append(text)
                hasPending = true
            case .element:
                if hasPending { merged.append(.text(pending.repairingC1Controls)) }
                pending = ""
                hasPending = false
                merged.append(node)
            }
        }
        if hasPending { merged.append(.text(pending.repairingC1Controls)) }
        return merged
    }

    /// Appends an attribute's text, expanding entity references against the same budget as element text.
    private mutating func appendAttributeText(_ first: xmlNodePtr?, to value: inout String, depth: Int) {
        var child = first
        while let node = child {
            switch node.pointee.type {
            case XML_TEXT_NODE:
                if let content = node.pointee.content { value += String(cString: content) }
            case XML_ENTITY_REF_NODE:
                if let entity = xmlGetDocEntity(document, node.pointee.name),
                    entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY
                {
                    let length = Int(entity.pointee.length)
                    guard budget >= length, depth < XMLReader.maximumDepth else {
                        exceededBudget = true
                        return
                    }
                    budget -= length
                    let children = UnsafeMutableRawPointer(entity.pointee.children)?.assumingMemoryBound(
                        to: xmlNode.self)
                    if children != nil {
                        appendAttributeText(children, to: &value, depth: depth + 1)
                    } else if let content = entity.pointee.content {
                        value += String(cString: content)
                    }
                } else if let html = htmlEntityLookup(node.pointee.name),
                    let scalar = Unicode.Scalar(html.pointee.value)
                {
                    value.unicodeScalars.append(scalar)
                }
            default:
                break
            }
            child = node.pointee.next
        }
    }

    /// Appends a declared internal entity's content, or the character of an HTML entity name that feeds use
    /// without declaring it (`&nbsp;`), charging the budget.
    private mutating func expandEntity(_ node: xmlNodePtr, into element: XMLElement, depth: Int) {
        let name = node.pointee.name.map { String(cString: $0) } ?? ""
        if let entity = xmlGetDocEntity(document, node.pointee.name),
            entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY
        {
            let length = Int(entity.pointee.length)
            guard budget >= length, depth < XMLReader.maximumDepth else {
                exceededBudget = true
                return
            }
            budget -= length
            let children = UnsafeMutableRawPointer(entity.pointee.children)?.assumingMemoryBound(to: xmlNode.self)
            if children != nil {
                appendChildren(of: children, to: element, depth: depth + 1)
            } else if let content = entity.pointee.content {
                element.children.append(.text(String(cString: content)))
            }
            return
        }
        if let html = htmlEntityLookup(node.pointee.name) {
            element.children.append(.text(String(UnicodeScalar(html.pointee.value).map(Character.init) ?? " ")))
        } else {
            element.children.append(.text("&\(name);"))
        }
    }
}

/// The HTML entity names a document used without declaring them.
private final class UndeclaredEntities {
    var names: [String] = []
}

/// Finds an entity for the parser: the declared ones first, then HTML's named character references, which feeds
/// use without declaring (`&nbsp;`). An HTML one is declared in the document on first use and recorded, so the
/// document is still flagged as ill-formed, as feedparser flags it.
private let lookUpEntity: getEntitySAXFunc = { userData, name in
    guard let userData, let name else { return nil }
    if let entity = xmlSAX2GetEntity(userData, name) { return entity }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let html = htmlEntityLookup(name), let document = context.pointee.myDoc,
        let scalar = Unicode.Scalar(html.pointee.value)
    else { return nil }
    if let box = context.pointee._private {
        Unmanaged<UndeclaredEntities>.fromOpaque(box).takeUnretainedValue().names.append(String(cString: name))
    }
    if document.pointee.intSubset == nil { _ = xmlCreateIntSubset(document, nil, nil, nil) }
    let content = String(Character(scalar))
    return xmlAddDocEntity(document, name, Int32(XML_INTERNAL_GENERAL_ENTITY.rawValue), nil, nil, content)
}
