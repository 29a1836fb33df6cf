/// A template that cannot be parsed or rendered, with the position of the tag at fault.
///
/// `description` reads `template "linkedin": line 2, column 14: section "tags" is never closed; add {{/tags}}`.
package struct TemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The name given to `Template.init(name:source:)`, usually the page or network the template is for.
    package var templateName: String
    /// The 1-based line of the tag or text at fault.
    package var line: Int
    /// The 1-based column, counted in Unicode scalars from the start of the line.
    package var column: Int
    /// The problem and the fix to make.
    package var message: String

    package init(templateName: String, line: Int, column: Int, message: String) {
        self.templateName = templateName
        self.line = line
        self.column = column
        self.message = message
    }

    package var description: String {
        "template \"\(templateName)\": line \(line), column \(column): \(message)"
    }
}

/// The rendering rules: post-text or the Mustache spec.
package enum TemplateMode: Sendable {
    /// Text for a social post: no HTML escaping, and a variable tag whose name is not defined is an error.
    /// A section or inverted section whose name is not defined renders as falsey, so it guards the tags
    /// inside it.
    case postText
    /// The Mustache spec's behaviour: `{{name}}` escapes `&`, `"`, `<`, `>` and `'` for HTML, and an
    /// undefined name renders as the empty string.
    case spec
}

/// Bounds that keep a hostile or mistaken template from using unbounded memory or time.
package struct TemplateLimits: Sendable {
    /// The maximum length of a template's source, in UTF-8 bytes.
    package var maxSourceBytes: Int
    /// The maximum number of sections open inside one another.
    package var maxSectionDepth: Int
    /// The maximum length of a rendered result, in UTF-8 bytes.
    package var maxOutputBytes: Int
    /// The maximum number of tags, text pieces and list iterations one render may visit, which bounds
    /// nested loops over large lists even when they write nothing.
    package var maxRenderSteps: Int

    package init(
        maxSourceBytes: Int = 256 * 1024,
        maxSectionDepth: Int = 64,
        maxOutputBytes: Int = 1024 * 1024,
        maxRenderSteps: Int = 2_000_000
    ) {
        self.maxSourceBytes = maxSourceBytes
        self.maxSectionDepth = maxSectionDepth
        self.maxOutputBytes = maxOutputBytes
        self.maxRenderSteps = maxRenderSteps
    }

    /// Limits far above any social post, which fit every network's longest text many times over.
    package static let standard = TemplateLimits()
}
