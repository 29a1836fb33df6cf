import CLibXML2
import Foundation
import Testing

@testable import Feeds

/// The byte scan that rejects hostile markup before libxml2 reads it, checked against libxml2's own counts.
@Suite struct XMLMarkupScanTests {
    static let limits = XMLMarkupScan.Limits()

    /// Returns `count` distinct attributes with empty values: ` a0=""`, ` a1=""`, ...
    static func attributes(_ count: Int, prefix: String = "") -> String {
        (0..<count).map { " \(prefix)a\($0)=\"\"" }.joined()
    }

    static func rss(channelAttributes: String = "", body: String = "") -> String {
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"\(channelAttributes)><channel><title>t</title>\(body)"
            + "<item><guid>1</guid><title>one</title></item></channel></rss>\n"
    }

    func parseError(_ text: String) -> FeedError? {
        do {
            _ = try FeedParser.parse(Array(text.utf8), url: nil, contentType: nil)
            return nil
        } catch {
            return error as? FeedError
        }
    }

    @Test func elementWithManyAttributesIsRejected() throws {
        let xml = Self.rss(body: "<x" + Self.attributes(50_000) + "/>")
        let error = try #require(parseError(xml))
        #expect(error.code == .tooLarge)
        #expect(error.remedy == .fixFeed)
        #expect(error.message.contains("<x> on line 2"), "\(error.message)")
        #expect(error.message.contains("more than 500 attributes"), "\(error.message)")
    }

    @Test func attributesAtTheLimitAreRead() throws {
        let xml = Self.rss(body: "<x" + Self.attributes(Self.limits.maximumAttributesPerElement) + "/>")
        let feed = try FeedParser.parse(Array(xml.utf8), url: nil, contentType: nil)
        #expect(feed.entries.count == 1)
        #expect(!feed.isIllFormed, "\(feed.illFormedReason ?? "")")
    }

    @Test func manyNamespaceDeclarationsAreRead() throws {
        // Podcast and media feeds declare a few dozen namespaces on the root element.
        let namespaces = (0..<60).map { " xmlns:n\($0)=\"http://example.com/ns/\($0)\"" }.joined()
        let xml = Self.rss(channelAttributes: namespaces, body: "<n59:extra>e</n59:extra>")
        let feed = try FeedParser.parse(Array(xml.utf8), url: nil, contentType: nil)
        #expect(feed.entries.first?.title == "one")
        #expect(!feed.isIllFormed, "\(feed.illFormedReason ?? "")")
    }

    @Test func namespacesInScopeAreCounted() throws {
        // Each element stays under the attribute limit, but the declarations add up down the tree.
        let nested = (0..<5).map { level in "<d\(Self.attributes(250, prefix: "xmlns:l\(level)"))>" }.joined()
        let xml = Self.rss(body: nested + String(repeating: "</d>", count: 5))
        let error = try #require(parseError(xml))
        #expect(error.code == .tooLarge)
        #expect(error.message.contains("more than 100 namespace declarations in scope"), "\(error.message)")
    }

    @Test func namespacesAtTheLimitAreRead() {
        let limit = Self.limits.maximumNamespacesInScope
        let half = limit / 2
        func document(inner: Int) -> [UInt8] {
            let outer = "<d\(Self.attributes(half, prefix: "xmlns:o"))>"
            let nested = outer + "<d\(Self.attributes(inner, prefix: "xmlns:i"))><oa0:x/></d></d>"
            return Array(Self.rss(body: nested).utf8)
        }
        #expect(XMLMarkupScan.firstViolation(in: document(inner: limit - half)) == nil)
        let violation = XMLMarkupScan.firstViolation(in: document(inner: limit - half + 1))
        guard case .namespaces(let element, _) = violation else {
            Issue.record("expected a namespaces violation, got \(String(describing: violation))")
            return
        }
        #expect(element == "d")
    }

    /// Text between elements becomes a text node in libxml2's tree, as large as an empty element.
    @Test func textNodesAreCounted() {
        let count = Self.limits.maximumNodes / 2 + 1
        let text = Array(Self.rss(body: String(repeating: "<a/>x", count: count)).utf8)
        guard case .nodes = XMLMarkupScan.firstViolation(in: text) else {
            Issue.record("\(count) elements each followed by text passed the node limit")
            return
        }
        let entities = "<!DOCTYPE rss [ <!ENTITY e 'e'> ]>" + Self.rss(body: String(repeating: "x&e;", count: count))
        guard case .nodes = XMLMarkupScan.firstViolation(in: Array(entities.utf8)) else {
            Issue.record("\(count) entity references each after text passed the node limit")
            return
        }
        let elements = Array(Self.rss(body: String(repeating: "<a/>", count: count)).utf8)
        #expect(XMLMarkupScan.firstViolation(in: elements) == nil)
    }

    @Test func manyEmptyElementsAreRejected() throws {
        let xml = Self.rss(body: String(repeating: "<a/>", count: Self.limits.maximumNodes))
        let error = try #require(parseError(xml))
        #expect(error.code == .tooLarge)
        #expect(error.message.contains("more than 1000000 elements, attributes and other nodes"), "\(error.message)")
    }

    @Test func attributeListDefaultsCount() throws {
        // libxml2 merges these defaults into every <x>, in time quadratic in their number.
        let defaults = (0..<600).map { "a\($0) CDATA \"v\"" }.joined(separator: " ")
        let xml = "<!DOCTYPE rss [<!ATTLIST x \(defaults)>]>\n" + Self.rss(body: "<x/>")
        let error = try #require(parseError(xml))
        #expect(error.code == .tooLarge)
    }

    /// libxml2 parses an entity's value again at each reference, so markup inside it would escape the scan.
    @Test(arguments: [
        "<!DOCTYPE rss [ <!ENTITY e '<y ELEMENT/>'> ]><rss>&e;</rss>",
        "<!DOCTYPE rss [ <!ENTITY e '&#60;y ELEMENT/>'> ]><rss>&e;</rss>",
        "<!DOCTYPE rss [ <!ENTITY e '&#x003c;y ELEMENT/>'> ]><rss>&e;</rss>",
        "<!DOCTYPE rss [ <!ENTITY e '&#0060;y ELEMENT/>'> ]><rss>&e;</rss>",
    ])
    func entityWithMarkupIsRejected(template: String) throws {
        let document = Array(template.replacingOccurrences(of: "ELEMENT", with: Self.attributes(600)).utf8)
        #expect(Self.maximumAttributesLibxml2Reads(document) >= 600, "libxml2 read the element inside the entity")
        let violation = try #require(XMLMarkupScan.firstViolation(in: document))
        #expect(violation == .entityMarkup(entity: "e", offset: 16))
        let message = violation.message(in: document)
        #expect(message.contains("the DTD entity 'e' declared on line 1 contains markup"), "\(message)")
        #expect(message.contains("ask the feed's publisher"), "\(message)")
    }

    @Test func parameterEntityWithMarkupIsRejected() throws {
        let defaults = (0..<600).map { "a\($0) CDATA 'v'" }.joined(separator: " ")
        let xml = "<!DOCTYPE rss [ <!ENTITY % d \"<!ATTLIST x \(defaults)>\"> %d; ]>\n" + Self.rss(body: "<x/>")
        let error = try #require(parseError(xml))
        #expect(error.code == .tooLarge)
        #expect(error.message.contains("the DTD entity 'd' declared on line 1 contains markup"), "\(error.message)")
    }

    @Test func parameterEntityInValueRejected() {
        let xml = "<!DOCTYPE rss [ <!ENTITY % p 'x'> <!ENTITY e 'a %p; b'> ]><rss/>"
        #expect(XMLMarkupScan.firstViolation(in: Array(xml.utf8)) == .entityMarkup(entity: "e", offset: 34))
    }

    /// Entities that stand for characters or plain text are read.
    @Test func textEntitiesAreRead() throws {
        let doctype =
            "<!DOCTYPE rss [ <!ENTITY nbsp \"&#160;\"> <!ENTITY lt2 '&#38;#60;'> <!ENTITY pct '100&#37;'> ]>\n"
        let xml = doctype + Self.rss(body: "<description>a&nbsp;b</description>")
        #expect(XMLMarkupScan.firstViolation(in: Array(xml.utf8)) == nil)
        let feed = try FeedParser.parse(Array(xml.utf8), url: nil, contentType: nil)
        #expect(feed.entries.first?.title == "one")
    }

    @Test func namespaceAttributeListIsRejected() throws {
        for declaration in ["<!ATTLIST x xmlns:n CDATA 'urn:n'>", "<!ATTLIST x xmlns CDATA #FIXED 'urn:n'>"] {
            let xml = "<!DOCTYPE rss [ \(declaration) ]>\n" + Self.rss(body: "<x/>")
            let error = try #require(parseError(xml))
            #expect(error.code == .tooLarge)
            #expect(error.message.contains("the <!ATTLIST> for <x> on line 1 declares a namespace"), "\(error.message)")
        }
    }

    /// Attribute defaults for elements the feed never uses are neither namespaces nor nodes at each element.
    @Test func attributeListDefaultsAreNoNamespaces() throws {
        let declarations = (0..<50).map { "<!ATTLIST e\($0) a CDATA \"v\">" }.joined(separator: "\n")
        let nested = String(repeating: "<div>", count: 18) + "deep" + String(repeating: "</div>", count: 18)
        let xml = "<!DOCTYPE rss [\n\(declarations)\n]>\n" + Self.rss(body: "<description>\(nested)</description>")
        #expect(XMLMarkupScan.firstViolation(in: Array(xml.utf8)) == nil)
        let feed = try FeedParser.parse(Array(xml.utf8), url: nil, contentType: nil)
        #expect(feed.entries.first?.title == "one")
    }

    /// Markup that the scan skips or reads as text must be what libxml2 skips or reads as text too, so that no
    /// element hides its attributes from the scan.
    @Test(arguments: [
        "<rss><!-- c --><x b=\"v>w\" ELEMENT/></rss>",
        "<rss><x b=\"<y ELEMENT/></rss>",
        "<rss><x b=\"v<w ELEMENT/></rss>",
        "<rss><![CDATA[ ]]><x ELEMENT/></rss>",
        "<rss><? <y ELEMENT/></rss>",
        "<rss><?pi ?><x ELEMENT/></rss>",
        "<rss><!x <y ELEMENT/></rss>",
        "<rss><!DOCTYPE [ <y ELEMENT/></rss>",
        "<rss><x></x <y ELEMENT/></rss>",
        "<rss><x \"q\" <y ELEMENT/></rss>",
        "<!DOCTYPE rss [ <y ELEMENT/></rss>",
        "<!DOCTYPE rss [ <!ENTITY x \"<!--\"> ]><rss><y ELEMENT/></rss>",
        "<!DOCTYPE rss [ <!ENTITY x \"a\"> <rss><y ELEMENT/></rss>",
        "<!DOCTYPE rss [ <!ATTLIST x a CDATA \"v\" <rss><y ELEMENT/></rss>",
        "<!DOCTYPE rss [ <!ATTLIST x a CDATA \"<rss ELEMENT/>",
        "<!DOCTYPE rss SYSTEM \"s\" [ <!-- \" --> ]><rss ELEMENT/>",
        "<!DOCTYPE rss [ <!ENTITY % p \"\"> %p; ]><rss ELEMENT/>",
    ])
    func scanCountsWhatLibxml2Reads(template: String) throws {
        let document = Array(template.replacingOccurrences(of: "ELEMENT", with: Self.attributes(40)).utf8)
        let read = Self.maximumAttributesLibxml2Reads(document)
        #expect(read >= 40, "libxml2 read the element with its 40 attributes")
        var limits = XMLMarkupScan.Limits()
        limits.maximumAttributesPerElement = 39
        let violation = XMLMarkupScan.firstViolation(in: document, limits: limits)
        #expect(violation != nil, "libxml2 read \(read) attributes on one element, which the scan missed")
    }

    /// The feedparser corpus contains real and hand-made feeds, including ill-formed ones, and none passes a limit.
    @Test func corpusPassesEveryLimit() throws {
        let root = FeedparserConformanceTests.fixtureRoot
        let walker = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var scanned = 0
        for case let file as URL in walker where ["xml", "json", "rdf", "atom", "rss"].contains(file.pathExtension) {
            let data = try [UInt8](Data(contentsOf: file))
            let decoded = (try? FeedEncoding.decode(data, contentType: nil))?.utf8 ?? data
            let violation = XMLMarkupScan.firstViolation(in: decoded)
            #expect(violation == nil, "\(file.path): \(violation.map { "\($0)" } ?? "")")
            scanned += 1
        }
        #expect(scanned > 2000, "the corpus is missing from \(root.path)")
    }

    /// Counts the attributes and namespace declarations of each element as libxml2's SAX2 parser reads them, in the
    /// recovery mode `XMLReader` uses, and returns the largest count.
    static func maximumAttributesLibxml2Reads(_ document: [UInt8]) -> Int {
        _ = XMLReader.libraryInitialized
        guard let context = xmlNewParserCtxt() else { return 0 }
        defer { xmlFreeParserCtxt(context) }
        let counter = AttributeCounter()
        context.pointee._private = Unmanaged.passUnretained(counter).toOpaque()
        context.pointee.sax.pointee.startElementNs = {
            userData, localName, prefix, uri, namespaceCount, namespaces,
            attributeCount, defaultedCount, attributes in
            xmlSAX2StartElementNs(
                userData, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount,
                attributes)
            guard let userData else { return }
            let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
            let counter = Unmanaged<AttributeCounter>.fromOpaque(context.pointee._private).takeUnretainedValue()
            counter.maximum = max(counter.maximum, Int(attributeCount + namespaceCount))
        }
        let options = Int32(
            XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue)
        let parsed = document.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlCtxtReadMemory(context, $0, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        if let parsed { xmlFreeDoc(parsed) }
        return counter.maximum
    }
}

private final class AttributeCounter {
    var maximum = 0
}
