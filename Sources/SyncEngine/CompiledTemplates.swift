import Templates

/// Every template of a configuration, compiled once per run.
struct CompiledTemplates: Sendable {
    let defaultTemplate: Template
    /// By page name or network, from `templates`.
    let byPageOrNetwork: [String: Template]
    /// By rule name, from each rule's `template`.
    let rules: [String: Template]
    /// By rule name and field (`first_comment`, `youtube_title`, ...).
    let fields: [String: Template]
    /// By source name, from each source's `link`.
    let links: [String: Template]

    init(configuration: Configuration) throws {
        func compile(_ name: String, _ source: String) throws -> Template {
            do {
                return try Template(name: name, source: source)
            } catch {
                throw MappingError("\(configuration.path): \(error)", isConfigurationError: true)
            }
        }
        defaultTemplate = try compile("template", configuration.template)
        var byPageOrNetwork: [String: Template] = [:]
        for (key, source) in configuration.templates { byPageOrNetwork[key] = try compile("templates.\(key)", source) }
        self.byPageOrNetwork = byPageOrNetwork
        var rules: [String: Template] = [:]
        var fields: [String: Template] = [:]
        for rule in configuration.rules {
            if let source = rule.template { rules[rule.name] = try compile("rules.\(rule.name).template", source) }
            for (field, source) in Self.fieldSources(of: rule) {
                fields["\(rule.name)\u{0}\(field)"] = try compile("rules.\(rule.name).\(field)", source)
            }
        }
        self.rules = rules
        self.fields = fields
        var links: [String: Template] = [:]
        for source in configuration.sources {
            if let template = source.urlTemplate {
                links[source.name] = try compile("sources.\(source.name).link", template)
            }
        }
        self.links = links
    }

    /// Lists the field templates that `rule` sets, by setting name, such as `first_comment`.
    static func fieldSources(of rule: MappingRule) -> [(field: String, source: String)] {
        let fields: [(String, String?)] = [
            ("first_comment", rule.firstComment), ("internal_note", rule.internalNote),
            ("youtube_title", rule.youtubeTitle), ("linkedin_document_title", rule.linkedinDocumentTitle),
            ("linkedin_video_title", rule.linkedinVideoTitle), ("pinterest.title", rule.pinterest?.title),
            ("pinterest.link", rule.pinterest?.link), ("pinterest.description", rule.pinterest?.description),
        ]
        return fields.compactMap { field, source in source.map { (field, $0) } }
    }

    /// The template for a page: its name's, else its network's, else the default.
    func page(_ page: ResolvedPage) -> Template {
        byPageOrNetwork[page.name] ?? byPageOrNetwork[page.platform] ?? defaultTemplate
    }

    func field(rule: String, field: String, source: String) throws -> Template {
        guard let template = fields["\(rule)\u{0}\(field)"] else {
            throw MappingError("template rules.\(rule).\(field) was not compiled", isConfigurationError: true)
        }
        return template
    }
}
