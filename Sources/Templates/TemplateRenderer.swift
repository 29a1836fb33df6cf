/// The state of one render: the context stack, the output so far and the work done.
struct TemplateRenderer {
    private let templateName: String
    private let mode: TemplateMode
    private let limits: TemplateLimits
    private var stack: [TemplateValue]
    private var outputBytes = 0
    private var steps = 0
    private(set) var output = ""

    init(templateName: String, mode: TemplateMode, limits: TemplateLimits, root: TemplateValue) {
        self.templateName = templateName
        self.mode = mode
        self.limits = limits
        self.stack = [root]
    }

    mutating func render(_ nodes: [TemplateNode]) throws(TemplateError) {
        for node in nodes {
            try render(node)
        }
    }

    private mutating func render(_ node: TemplateNode) throws(TemplateError) {
        switch node {
        case .text(let text, let position):
            try countStep(at: position)
            try write(text, at: position)
        case .variable(let name, let escaped, let position):
            try countStep(at: position)
            try renderVariable(name, escaped: escaped, at: position)
        case .section(let name, let inverted, let children, let position):
            try countStep(at: position)
            let value: TemplateValue
            switch lookUp(name) {
            case .found(let found): value = found
            case .missing: value = .null
            }
            if inverted {
                if !value.isTruthy { try render(children) }
                return
            }
            guard value.isTruthy else { return }
            if case .list(let items) = value {
                for item in items {
                    try countStep(at: position)
                    stack.append(item)
                    try render(children)
                    stack.removeLast()
                }
            } else {
                stack.append(value)
                try render(children)
                stack.removeLast()
            }
        }
    }

    private mutating func renderVariable(
        _ name: TagName, escaped: Bool, at position: SourcePosition
    ) throws(TemplateError) {
        let value: TemplateValue
        switch lookUp(name) {
        case .found(let found):
            value = found
        case .missing(let resolvedKeys):
            guard mode == .postText else { return }
            let guardHint = "define it, or guard it with {{#\(name.text)}}…{{/\(name.text)}}"
            if resolvedKeys == 0 {
                throw error(at: position, "variable \"\(name.text)\" is not defined; \(guardHint)")
            }
            let parent = name.keys[0..<resolvedKeys].joined(separator: ".")
            let key = name.keys[resolvedKeys]
            throw error(
                at: position,
                "variable \"\(name.text)\" is not defined because \"\(parent)\" has no key \"\(key)\"; \(guardHint)"
            )
        }
        guard let text = value.scalarText else {
            if case .list = value {
                throw error(
                    at: position,
                    "variable \"\(name.text)\" is a list, which has no text of its own; "
                        + "write its items with {{#\(name.text)}}{{.}} {{/\(name.text)}}"
                )
            }
            throw error(
                at: position,
                "variable \"\(name.text)\" is a mapping, which has no text of its own; name one of its keys, "
                    + "like {{\(name.text).KEY}}"
            )
        }
        try write(escaped && mode == .spec ? Self.escapeHTML(text) : text, at: position)
    }

    private enum LookUpResult {
        case found(TemplateValue)
        /// No value: the first `resolvedKeys` keys of the name were found, the next was not.
        case missing(resolvedKeys: Int)
    }

    /// Looks a name up as the Mustache spec defines it: the first key in the innermost context that has it, then each
    /// further key in the value found so far only.
    private func lookUp(_ name: TagName) -> LookUpResult {
        guard let first = name.keys.first else { return .found(stack[stack.count - 1]) }
        guard var value = stack.reversed().lazy.compactMap({ $0[first] }).first else {
            return .missing(resolvedKeys: 0)
        }
        for (index, key) in name.keys.enumerated().dropFirst() {
            guard let next = value[key] else { return .missing(resolvedKeys: index) }
            value = next
        }
        return .found(value)
    }

    private mutating func write(_ text: String, at position: SourcePosition) throws(TemplateError) {
        outputBytes += text.utf8.count
        guard outputBytes <= limits.maxOutputBytes else {
            throw error(
                at: position,
                "rendered text exceeds \(limits.maxOutputBytes) bytes; check for sections over long lists"
            )
        }
        output += text
    }

    private mutating func countStep(at position: SourcePosition) throws(TemplateError) {
        steps += 1
        guard steps <= limits.maxRenderSteps else {
            throw error(
                at: position,
                "rendering takes more than \(limits.maxRenderSteps) steps; check for nested sections over long lists"
            )
        }
    }

    private func error(at position: SourcePosition, _ message: String) -> TemplateError {
        TemplateError(templateName: templateName, line: position.line, column: position.column, message: message)
    }

    private static func escapeHTML(_ text: String) -> String {
        guard text.contains(where: { "&\"<>'".contains($0) }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
