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

    static func escape(_ text: String, quotes: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where quotes: result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
