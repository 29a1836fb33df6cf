/// Serializes copied element trees as HTML text in XHTML syntax (`<br />`), the way feedparser writes content.
enum XHTMLWriter {
    private static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ]

    /// Serializes `nodes`, passing each attribute's name and value through `transform`.
    static func serialize(_ nodes: [XMLNode], transform: (String, String) -> String = { $1 }) -> String {
        var output = ""
        for node in nodes { write(node, to: &output, transform: transform) }
        return output
    }

    private static func write(_ node: XMLNode, to output: inout String, transform: (String, String) -> String) {
        switch node {
        case .text(let text):
            output += escape(text, quotes: false)
        case .element(let element):
            let name = element.name.lowercased()
            output += "<" + name
            for attribute in element.attributes where attribute.namespace.isEmpty {
                let value = transform(attribute.name.lowercased(), attribute.value)
                output += " \(attribute.name)=\"\(escape(value, quotes: true))\""
            }
            if element.children.isEmpty && voidElements.contains(name) {
                output += " />"
                return
            }
            output += ">"
            for child in element.children { write(child, to: &output, transform: transform) }
            output += "</\(name)>"
        }
    }

    /// Escapes `&`, `<`, `>` and, with `quotes`, `"`, byte by byte: they are ASCII, so no other character's UTF-8
    /// contains their bytes.
    static func escape(_ text: String, quotes: Bool) -> String {
        let utf8 = text.utf8
        func needsEscape(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || (quotes && byte == UInt8(ascii: "\""))
        }
        guard utf8.contains(where: needsEscape) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(utf8.count + 32)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): result += "&amp;".utf8
            case UInt8(ascii: "<"): result += "&lt;".utf8
            case UInt8(ascii: ">"): result += "&gt;".utf8
            case UInt8(ascii: "\"") where quotes: result += "&quot;".utf8
            default: result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
