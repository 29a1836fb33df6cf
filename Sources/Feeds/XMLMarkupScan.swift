/// A byte scan of an XML document that rejects markup which would make libxml2 2.9 slow or the parsed tree huge,
/// before libxml2 reads the document.
///
/// libxml2 2.9.14 checks an element's attributes for duplicates and appends each one to a linked list, both in
/// time quadratic in the element's attribute count: one element with 50,000 attributes took 26 s on a 2-core
/// Linux build machine. It looks up a namespace prefix by walking every declaration in scope, and merges the
/// attribute defaults of an `<!ATTLIST>` into every element in quadratic time. Each node of its tree takes 130 to 430 bytes, so a 32 MiB document of
/// empty elements took 2 GB with the copy in `XMLTree.swift`.
///
/// The scan counts what libxml2 would read and errs on the high side. It skips only the bytes that libxml2 also
/// reads as no markup: comments, CDATA sections, processing instructions, quoted attribute values and the
/// declarations of an internal DTD subset. It rejects an entity whose value contains markup, because libxml2
/// parses that value again at each reference. Where libxml2 recovers from broken markup by reading on at the next
/// `<`, so does the scan.
///
/// NOTE: the recovery cases were checked against libxml2 2.9.14 (`XMLMarkupScanTests`). A later libxml2 that
/// recovers differently inside a DTD subset could read markup that the scan skipped as part of a declaration.
struct XMLMarkupScan {
    /// The limits, far above what real feeds use: the feedparser corpus in `Tests/Fixtures` has at most 10
    /// attributes on one element, 9 namespace declarations in scope and 1,412 nodes in one document, as the scan
    /// counts them.
    struct Limits {
        /// Attributes of one element, namespace declarations and every `<!ATTLIST>` default of the document
        /// included.
        var maximumAttributesPerElement = 500
        /// Namespace declarations in scope at one element, its own included. libxml2 walks the declarations in
        /// scope for each prefixed name: with 100 of them, 990,000 prefixed elements still took 3.9 s.
        var maximumNamespacesInScope = 100
        /// Elements, attributes, text nodes, comments, processing instructions, CDATA sections and entity
        /// references.
        var maximumNodes = 1_000_000
    }

    /// The first limit a document passes or DTD declaration the scan rejects, with the byte offset of its markup.
    enum Violation: Equatable {
        case attributes(element: String, offset: Int)
        case namespaces(element: String, offset: Int)
        case nodes(offset: Int)
        /// An entity of the internal DTD subset whose value contains markup, which libxml2 would parse again
        /// wherever the entity is referenced, out of the scan's sight.
        case entityMarkup(entity: String, offset: Int)
        /// An `<!ATTLIST>` that declares an `xmlns` or `xmlns:` attribute, whose default would add a namespace
        /// declaration to every element it names.
        case namespaceDefault(element: String, offset: Int)
    }

    /// Returns the first violation in the document, or nil when there is none.
    static func firstViolation(in utf8: [UInt8], limits: Limits = Limits()) -> Violation? {
        utf8.withUnsafeBufferPointer { buffer in
            var scan = XMLMarkupScan(bytes: buffer, limits: limits)
            return scan.run()
        }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let limits: Limits
    private var index = 0
    private var nodes = 0
    /// The count of quoted default values in every `<!ATTLIST>` declaration. Each element counts all of them as its
    /// own attributes, because the scan does not track which element each one names. They do not count as
    /// namespace declarations, because the scan rejects an `<!ATTLIST>` that declares one. Nor do they count as
    /// nodes, because libxml2 2.9.14's tree builder drops defaulted attributes unless `XML_PARSE_DTDATTR` is set,
    /// and `XMLReader` does not set it.
    private var attributeDefaults = 0
    /// The namespace declarations of each open element, innermost last.
    private var openElementNamespaces: [Int32] = []
    private var namespacesInScope = 0
    /// Whether a start tag was read: libxml2 reads a DOCTYPE only before the root element.
    private var afterFirstStartTag = false
    /// The first declaration of the internal DTD subset that the scan rejects.
    private var documentTypeViolation: Violation?

    private init(bytes: UnsafeBufferPointer<UInt8>, limits: Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    private mutating func run() -> Violation? {
        while index < bytes.count {
            if let violation = documentTypeViolation { return violation }
            let byte = bytes[index]
            if byte == UInt8(ascii: "&") {
                countReference()
                if nodes > limits.maximumNodes { return .nodes(offset: index) }
                continue
            }
            guard byte == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            let start = index
            // Text between two pieces of markup is a text node, and a `>` ends every piece of markup but an
            // entity reference, so this errs on the high side.
            if index > 0 && bytes[index - 1] != UInt8(ascii: ">") { nodes += 1 }
            let next = self.byte(at: index + 1)
            if next == UInt8(ascii: "/") {
                skipEndTag()
            } else if next == UInt8(ascii: "?") && XMLBytes.isNameStart(self.byte(at: index + 2)) {
                skip(past: "?>", from: index + 2)
                nodes += 1
            } else if hasPrefix("<!--") {
                skip(past: "-->", from: index + 4)
                nodes += 1
            } else if hasPrefix("<![CDATA[") {
                skip(past: "]]>", from: index + 9)
                nodes += 1
            } else if !afterFirstStartTag && hasPrefix("<!DOCTYPE") {
                skipDocumentType()
            } else if XMLBytes.isNameStart(next) {
                afterFirstStartTag = true
                if let violation = scanStartTag() { return violation }
            } else {
                // libxml2 reports an invalid name and reads on after the `<` as text.
                index += 1
            }
            if nodes > limits.maximumNodes { return .nodes(offset: start) }
        }
        return documentTypeViolation
    }

    // MARK: Elements

    /// Reads a start tag as libxml2's `xmlParseStartTag2` does. A tag that libxml2 gives up on, such as one with a
    /// missing space, `=` or quote, ends there, and the bytes after it read as text.
    private mutating func scanStartTag() -> Violation? {
        let start = index
        index += 1
        let nameStart = index
        while index < bytes.count && XMLBytes.isNameCharacter(bytes[index]) { index += 1 }
        let nameEnd = index

        var attributes = attributeDefaults
        var namespaces = 0
        nodes += 1
        var isOpen = false
        while index < bytes.count {
            let hadSpace = skipSpaces()
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") {
                index += 1
                isOpen = true
                break
            }
            if byte == UInt8(ascii: "/") && self.byte(at: index + 1) == UInt8(ascii: ">") {
                index += 2
                break
            }
            guard hadSpace, let isNamespaceDeclaration = scanAttribute() else { break }
            attributes += 1
            nodes += 1
            if isNamespaceDeclaration { namespaces += 1 }
            if attributes > limits.maximumAttributesPerElement {
                return .attributes(element: name(nameStart..<nameEnd), offset: start)
            }
        }

        if namespacesInScope + namespaces > limits.maximumNamespacesInScope {
            return .namespaces(element: name(nameStart..<nameEnd), offset: start)
        }
        if isOpen {
            openElementNamespaces.append(Int32(namespaces))
            namespacesInScope += namespaces
        }
        return nil
    }

    /// Reads `name="value"` and returns whether it declares a namespace, or nil where libxml2 stops reading the
    /// tag. A value that a `<` cuts off still counts, and the `<` starts the next markup, as in libxml2.
    private mutating func scanAttribute() -> Bool? {
        let nameStart = index
        while index < bytes.count && XMLBytes.isNameCharacter(bytes[index]) { index += 1 }
        guard index > nameStart else { return nil }
        let isNamespaceDeclaration = isNamespaceDeclaration(nameStart..<index)
        skipSpaces()
        guard byte(at: index) == UInt8(ascii: "=") else { return nil }
        index += 1
        skipSpaces()
        let quote = byte(at: index)
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return isNamespaceDeclaration
            }
            if byte == UInt8(ascii: "<") { return isNamespaceDeclaration }
            if byte == UInt8(ascii: "&") {
                countReference()
            } else {
                index += 1
            }
        }
        return isNamespaceDeclaration
    }

    /// Skips an end tag, which ends at `>` or before a `<`, and closes the innermost open element.
    private mutating func skipEndTag() {
        index += 2
        while index < bytes.count && bytes[index] != UInt8(ascii: ">") && bytes[index] != UInt8(ascii: "<") {
            index += 1
        }
        if byte(at: index) == UInt8(ascii: ">") { index += 1 }
        if let closed = openElementNamespaces.popLast() { namespacesInScope -= Int(closed) }
    }

    /// Counts an entity reference, which becomes a node in libxml2's tree unless it is a character reference or
    /// one of the five predefined entities, and the text node that may stand before it.
    private mutating func countReference() {
        let previous = index > 0 ? bytes[index - 1] : UInt8(ascii: ">")
        index += 1
        if byte(at: index) == UInt8(ascii: "#") { return }
        for predefined in Self.predefinedEntities where hasPrefix(predefined) { return }
        nodes += previous == UInt8(ascii: ">") ? 1 : 2
    }

    private static let predefinedEntities: [StaticString] = ["lt;", "gt;", "amp;", "quot;", "apos;"]

    // MARK: Document type

    /// Skips `<!DOCTYPE ...>` with its internal subset and counts the defaults of its `<!ATTLIST>` declarations.
    /// At anything in the subset that is no declaration, comment, processing instruction or parameter entity
    /// reference, libxml2 leaves the DOCTYPE, and the scan reads on there as content.
    private mutating func skipDocumentType() {
        index += 9
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") {
                index += 1
                return
            }
            if byte == UInt8(ascii: "[") { break }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                skipQuoted(stoppingAtLessThan: false)
            } else {
                index += 1
            }
        }
        index += 1
        while index < bytes.count {
            skipSpaces()
            guard index < bytes.count else { return }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                skipSpaces()
                if byte(at: index) == UInt8(ascii: ">") { index += 1 }
                return
            } else if hasPrefix("<!--") {
                skip(past: "-->", from: index + 4)
                nodes += 1
            } else if hasPrefix("<?") {
                skip(past: "?>", from: index + 2)
            } else if hasPrefix("<!ENTITY") {
                let start = index
                if let entity = entityWithMarkup() {
                    documentTypeViolation = .entityMarkup(entity: entity, offset: start)
                    return
                }
                index = start
                // An entity value may contain markup, so a `<` inside quotes belongs to it.
                skipDeclaration(quotedMayContainLessThan: true, countingQuoted: false)
            } else if hasPrefix("<!ATTLIST") {
                if let element = attributeListDeclaringNamespace() {
                    documentTypeViolation = .namespaceDefault(element: element, offset: index)
                    return
                }
                skipDeclaration(quotedMayContainLessThan: false, countingQuoted: true)
            } else if hasPrefix("<!ELEMENT") || hasPrefix("<!NOTATION") {
                skipDeclaration(quotedMayContainLessThan: false, countingQuoted: false)
            } else if bytes[index] == UInt8(ascii: "%") {
                index += 1
                while index < bytes.count && XMLBytes.isNameCharacter(bytes[index]) { index += 1 }
                if byte(at: index) == UInt8(ascii: ";") { index += 1 }
            } else {
                return
            }
        }
    }

    /// Reads `<!ENTITY [%] name "value"` from its `<` and returns the entity's name when the value contains markup:
    /// a `<`, a character reference to `<` (expanded when libxml2 reads the declaration) or a parameter entity
    /// reference. libxml2 parses such a value again at each reference, where the scan cannot count what it adds.
    /// An external entity, with no quoted value, returns nil.
    private mutating func entityWithMarkup() -> String? {
        index += 8
        skipSpaces()
        if byte(at: index) == UInt8(ascii: "%") {
            index += 1
            skipSpaces()
        }
        let nameStart = index
        while index < bytes.count && XMLBytes.isNameCharacter(bytes[index]) { index += 1 }
        let nameEnd = index
        skipSpaces()
        let quote = byte(at: index)
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        index += 1
        while index < bytes.count && bytes[index] != quote {
            if bytes[index] == UInt8(ascii: "<") || isParameterEntityReference()
                || characterReferenceValue() == UInt32(UInt8(ascii: "<"))
            {
                return name(nameStart..<nameEnd)
            }
            index += 1
        }
        return nil
    }

    /// Tells whether the bytes at `index` start a parameter entity reference, `%name;`.
    private func isParameterEntityReference() -> Bool {
        guard bytes[index] == UInt8(ascii: "%"), XMLBytes.isNameStart(byte(at: index + 1)) else { return false }
        var position = index + 2
        while position < bytes.count && XMLBytes.isNameCharacter(bytes[position]) { position += 1 }
        return byte(at: position) == UInt8(ascii: ";")
    }

    /// Returns the code point of the character reference (`&#60;` or `&#x3C;`) at `index`, or nil when none starts
    /// there. A value too large for a code point returns `UInt32.max`.
    private func characterReferenceValue() -> UInt32? {
        guard bytes[index] == UInt8(ascii: "&"), byte(at: index + 1) == UInt8(ascii: "#") else { return nil }
        var position = index + 2
        let radix: UInt32 = byte(at: position) == UInt8(ascii: "x") ? 16 : 10
        if radix == 16 { position += 1 }
        var value: UInt32 = 0
        var digits = 0
        while position < bytes.count, let digit = digitValue(bytes[position], radix: radix) {
            value = value > 0x10FFFF ? UInt32.max : value * radix + digit
            digits += 1
            position += 1
        }
        guard digits > 0, byte(at: position) == UInt8(ascii: ";") else { return nil }
        return value
    }

    private func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Returns the element name of the `<!ATTLIST` at `index` when the declaration names an `xmlns` or `xmlns:`
    /// attribute, without moving `index`. No file of the feedparser corpus declares one, and its default would add
    /// a namespace declaration to each element it names, out of the scan's count.
    private func attributeListDeclaringNamespace() -> String? {
        var position = index + 9
        while position < bytes.count && XMLBytes.isSpace(bytes[position]) { position += 1 }
        let elementStart = position
        while position < bytes.count && XMLBytes.isNameCharacter(bytes[position]) { position += 1 }
        let element = elementStart..<position
        while position < bytes.count && bytes[position] != UInt8(ascii: ">") && bytes[position] != UInt8(ascii: "<") {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                position += 1
                while position < bytes.count && bytes[position] != byte && bytes[position] != UInt8(ascii: "<") {
                    position += 1
                }
                if self.byte(at: position) == byte { position += 1 }
            } else if XMLBytes.isNameCharacter(byte) {
                let nameStart = position
                while position < bytes.count && XMLBytes.isNameCharacter(bytes[position]) { position += 1 }
                if isNamespaceDeclaration(nameStart..<position) { return name(element) }
            } else {
                position += 1
            }
        }
        return nil
    }

    /// Skips a markup declaration to its `>`, or to a `<` outside quotes, where libxml2 stops reading it too.
    private mutating func skipDeclaration(quotedMayContainLessThan: Bool, countingQuoted: Bool) {
        index += 2
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") {
                index += 1
                return
            }
            if byte == UInt8(ascii: "<") { return }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if countingQuoted { attributeDefaults += 1 }
                guard skipQuoted(stoppingAtLessThan: !quotedMayContainLessThan) else { return }
            } else {
                index += 1
            }
        }
    }

    /// Skips a quoted string from its opening quote. Returns false when it stopped before a `<` inside it.
    @discardableResult
    private mutating func skipQuoted(stoppingAtLessThan: Bool) -> Bool {
        let quote = bytes[index]
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return true
            }
            if stoppingAtLessThan && byte == UInt8(ascii: "<") { return false }
            index += 1
        }
        return true
    }

    // MARK: Bytes

    private func byte(at position: Int) -> UInt8 {
        position < bytes.count ? bytes[position] : 0
    }

    private func hasPrefix(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        let pattern = UnsafeBufferPointer(start: text.utf8Start, count: length)
        for offset in 0..<length where bytes[index + offset] != pattern[offset] { return false }
        return true
    }

    /// Moves past the first `terminator` at or after `position`, or to the end of the document without one.
    private mutating func skip(past terminator: StaticString, from position: Int) {
        index = position
        let first = terminator.utf8Start.pointee
        while index < bytes.count {
            if bytes[index] == first && hasPrefix(terminator) {
                index += terminator.utf8CodeUnitCount
                return
            }
            index += 1
        }
    }

    /// Skips XML white space and returns whether there was any.
    @discardableResult
    private mutating func skipSpaces() -> Bool {
        let start = index
        while index < bytes.count && XMLBytes.isSpace(bytes[index]) { index += 1 }
        return index > start
    }

    private func isNamespaceDeclaration(_ range: Range<Int>) -> Bool {
        let prefix: StaticString = "xmlns"
        guard range.count >= 5 else { return false }
        for offset in 0..<5 where bytes[range.lowerBound + offset] != prefix.utf8Start[offset] { return false }
        return range.count == 5 || bytes[range.lowerBound + 5] == UInt8(ascii: ":")
    }

    private func name(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range.prefix(64)]), as: UTF8.self)
    }
}

extension XMLMarkupScan.Violation {
    /// Describes the violation with the line it is on, for a `FeedError`.
    func message(in utf8: [UInt8], limits: XMLMarkupScan.Limits = XMLMarkupScan.Limits()) -> String {
        switch self {
        case .attributes(let element, let offset):
            "the element <\(element)> on line \(line(of: offset, in: utf8)) has more than "
                + "\(limits.maximumAttributesPerElement) attributes, the limit for one element"
        case .namespaces(let element, let offset):
            "the element <\(element)> on line \(line(of: offset, in: utf8)) has more than "
                + "\(limits.maximumNamespacesInScope) namespace declarations in scope, the limit for one element"
        case .nodes(let offset):
            "the document has more than \(limits.maximumNodes) elements, attributes and other nodes, the limit for "
                + "one feed, by line \(line(of: offset, in: utf8))"
        case .entityMarkup(let entity, let offset):
            "the DTD entity '\(entity)' declared on line \(line(of: offset, in: utf8)) contains markup, and "
                + "planable-sync does not read markup inside DTD entities; ask the feed's publisher to write that "
                + "markup in the feed itself"
        case .namespaceDefault(let element, let offset):
            "the <!ATTLIST> for <\(element)> on line \(line(of: offset, in: utf8)) declares a namespace (xmlns) "
                + "attribute, which planable-sync does not accept; ask the feed's publisher to declare namespaces on "
                + "the elements themselves"
        }
    }

    private func line(of offset: Int, in utf8: [UInt8]) -> Int {
        1 + utf8[..<min(offset, utf8.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
