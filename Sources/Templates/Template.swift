/// A parsed piece of a template.
indirect enum TemplateNode: Sendable {
    case text(String, SourcePosition)
    case variable(TagName, escaped: Bool, SourcePosition)
    case section(TagName, inverted: Bool, children: [TemplateNode], SourcePosition)
}

/// A Mustache template, parsed once and rendered for each item.
///
/// Supports variables, `{{{triple}}}` and `{{&name}}` unescaped variables, sections, inverted sections,
/// comments, dotted names, the implicit iterator `{{.}}` and set-delimiter tags. Partials, lambdas and
/// template inheritance are not supported: their tags fail to parse with an error that names them.
package struct Template: Sendable {
    /// The name that errors show, such as the page or network the template is for.
    package let name: String
    /// The bounds that parsing and every render of this template apply.
    package let limits: TemplateLimits
    /// The names in variable and section tags as written (dotted names whole), without the implicit
    /// iterator `.`. Names inside a section are relative to that section's value.
    package let variableNames: Set<String>
    let nodes: [TemplateNode]

    /// The names in variable tags outside every section, as written. Rendering fails for an item that does not
    /// define one of them, while a section whose name is not defined renders as false.
    package var unguardedVariableNames: Set<String> {
        var names = Set<String>()
        for case .variable(let name, _, _) in nodes where !name.keys.isEmpty { names.insert(name.text) }
        return names
    }

    /// Parses a template.
    ///
    /// - Parameters:
    ///   - name: The name that errors show.
    ///   - source: The template text.
    ///   - limits: The bounds on source size, section depth, output size and render time.
    /// - Throws: `TemplateError` at the first syntax error: an unclosed tag, a section never closed,
    ///   an end tag that does not match, an invalid name, or a source past `limits`.
    package init(name: String, source: String, limits: TemplateLimits = .standard) throws(TemplateError) {
        self.name = name
        self.limits = limits
        let size = source.utf8.count
        guard size <= limits.maxSourceBytes else {
            throw TemplateError(
                templateName: name, line: 1, column: 1,
                message: "template is \(size) bytes; the maximum is \(limits.maxSourceBytes), so split it or shorten it"
            )
        }
        var scanner = TemplateScanner(name: name, source: source)
        let tokens = try scanner.scan()
        var names = Set<String>()
        self.nodes = try Self.buildTree(tokens, templateName: name, maxDepth: limits.maxSectionDepth, names: &names)
        self.variableNames = names
    }

    /// Renders the template with `context` as the root value.
    ///
    /// - Parameters:
    ///   - context: The root value, usually a mapping of the item's fields.
    ///   - mode: `.postText` (the default) writes values as they are and rejects undefined variables;
    ///     `.spec` escapes HTML and renders undefined names as empty, as the Mustache spec requires.
    /// - Returns: The rendered text.
    /// - Throws: `TemplateError` at the tag that failed: an undefined variable in `.postText` mode, a
    ///   list or mapping in a variable tag, or a render past the output size or step limits.
    package func render(_ context: TemplateValue, mode: TemplateMode = .postText) throws(TemplateError) -> String {
        var renderer = TemplateRenderer(templateName: name, mode: mode, limits: limits, root: context)
        try renderer.render(nodes)
        return renderer.output
    }

    private static func buildTree(
        _ tokens: [TemplateToken], templateName: String, maxDepth: Int, names: inout Set<String>
    ) throws(TemplateError) -> [TemplateNode] {
        struct OpenSection {
            var name: TagName
            var inverted: Bool
            var closeTag: String
            var position: SourcePosition
            var children: [TemplateNode] = []
        }
        func error(_ position: SourcePosition, _ message: String) -> TemplateError {
            TemplateError(templateName: templateName, line: position.line, column: position.column, message: message)
        }
        var root: [TemplateNode] = []
        var stack: [OpenSection] = []
        func append(_ node: TemplateNode) {
            if stack.isEmpty { root.append(node) } else { stack[stack.count - 1].children.append(node) }
        }
        for token in tokens {
            switch token {
            case .text(let text, let position), .newline(let text, let position):
                append(.text(text, position))
            case .variable(let name, let escaped, let position):
                if !name.keys.isEmpty { names.insert(name.text) }
                append(.variable(name, escaped: escaped, position))
            case .sectionStart(let name, let inverted, let closeTag, let position):
                guard stack.count < maxDepth else {
                    throw error(position, "sections nest deeper than \(maxDepth) levels; flatten the template")
                }
                if !name.keys.isEmpty { names.insert(name.text) }
                stack.append(OpenSection(name: name, inverted: inverted, closeTag: closeTag, position: position))
            case .sectionEnd(let name, let position):
                guard let open = stack.popLast() else {
                    throw error(position, "section end \"\(name.text)\" has no matching section start; remove it")
                }
                guard open.name.text == name.text else {
                    throw error(
                        position,
                        "section end \"\(name.text)\" does not match the open section \"\(open.name.text)\" "
                            + "from line \(open.position.line), column \(open.position.column); "
                            + "close that one first with \(open.closeTag)"
                    )
                }
                append(.section(open.name, inverted: open.inverted, children: open.children, open.position))
            case .comment, .setDelimiters:
                break
            }
        }
        if let open = stack.last {
            throw error(open.position, "section \"\(open.name.text)\" is never closed; add \(open.closeTag)")
        }
        return root
    }
}
