import Templates

/// Warnings for `check` about template variables that the standard item fields do not define.
package enum TemplateCheck {
    /// The variables every item defines, as `Mapper.templateValues` sets them; `date` is missing for an item
    /// without a date.
    static let standardNames: Set<String> = [
        "title", "summary", "text", "url", "tags", "tag_list", "categories", "source", "id", "date", "slug", "fields",
        "path",
    ]

    /// The standard variables that are lists, which a variable tag cannot render.
    static let listNames: Set<String> = ["tag_list", "categories"]

    /// The standard variables that are mappings, which a variable tag cannot render either, each with an example
    /// of a key to write instead.
    static let mappingNames: [String: String] = [
        "date": "{{date.iso}}, or {{date.year}}-{{date.month}}-{{date.day}}", "fields": "{{fields.title}}",
    ]

    /// Lists one problem per template that writes a standard list, such as `{{categories}}`, or a standard mapping,
    /// such as `{{date}}`, as a variable tag, which fails to render for every item (every dated item, for `date`).
    package static func listVariableProblems(_ configuration: Configuration) throws -> [String] {
        try namedTemplates(configuration).flatMap { name, template in
            template.unguardedVariableNames.sorted().compactMap { variable in
                if listNames.contains(variable) {
                    return "\(name) uses {{\(variable)}}, which is a list and fails to render for every item; write "
                        + "its items with {{#\(variable)}}{{.}} {{/\(variable)}}, or use {{tags}} for hashtags"
                }
                if let example = mappingNames[variable] {
                    let items = variable == "date" ? "every item with a date" : "every item"
                    return "\(name) uses {{\(variable)}}, which is a mapping and fails to render for \(items); write "
                        + "one of its keys, such as \(example)"
                }
                return nil
            }
        }
    }

    /// Lists one problem per template that does not compile, so that `check` reports them all in one run, while
    /// `CompiledTemplates` stops at the first.
    package static func syntaxProblems(_ configuration: Configuration) -> [String] {
        templateSources(configuration).compactMap { name, source in
            do {
                _ = try Template(name: name, source: source)
                return nil
            } catch {
                return "\(configuration.path): \(error)"
            }
        }
    }

    /// Returns the source of every template setting with its name, as `CompiledTemplates` compiles them.
    static func templateSources(_ configuration: Configuration) -> [(String, String)] {
        var sources: [(String, String)] = [("template", configuration.template)]
        sources += configuration.templates.sorted { $0.key < $1.key }.map { ("templates.\($0.key)", $0.value) }
        for rule in configuration.rules {
            if let template = rule.template { sources.append(("rules.\(rule.name).template", template)) }
            for (field, template) in CompiledTemplates.fieldSources(of: rule) {
                sources.append(("rules.\(rule.name).\(field)", template))
            }
        }
        for source in configuration.sources {
            if let template = source.urlTemplate { sources.append(("sources.\(source.name).link", template)) }
        }
        return sources
    }

    /// Returns every template of the configuration with the setting that names it.
    static func namedTemplates(_ configuration: Configuration) throws -> [(String, Template)] {
        let templates = try CompiledTemplates(configuration: configuration)
        var named: [(String, Template)] = [("template", templates.defaultTemplate)]
        named += templates.byPageOrNetwork.sorted { $0.key < $1.key }.map { ("templates.\($0.key)", $0.value) }
        named += templates.rules.sorted { $0.key < $1.key }.map { ("rules.\($0.key).template", $0.value) }
        named += templates.fields.values.sorted { $0.name < $1.name }.map { ($0.name, $0) }
        named += templates.links.sorted { $0.key < $1.key }.map { ("sources.\($0.key).link", $0.value) }
        return named
    }

    /// Lists one warning per template and variable that is neither standard nor guarded by a section, with the
    /// standard name it most likely misspells.
    ///
    /// Such a variable renders only for items whose front matter has a field of that name, and every other item
    /// fails with "variable is not defined", so a typo such as `{{titel}}` fails every item.
    package static func warnings(_ configuration: Configuration) throws -> [String] {
        var warnings: [String] = []
        for (name, template) in try namedTemplates(configuration) {
            for variable in template.unguardedVariableNames.sorted() {
                let root = String(variable.split(separator: ".").first ?? "")
                guard !standardNames.contains(root) else { continue }
                var warning =
                    "\(name) uses {{\(variable)}}, which is not a standard variable, so each item needs a field "
                    + "\(root), from its front matter or feed entry, or fails to render"
                if let guess = closestStandardName(root) {
                    warning += "; did you mean {{\(guess)}}?"
                } else {
                    warning += "; wrap it in {{#\(root)}}...{{/\(root)}} to skip it for items without the field"
                }
                warnings.append(warning)
            }
        }
        return warnings
    }

    /// Lists one warning per rule and `match.fields` key that no item of the rule's sources can have, because
    /// those sources are all feeds and feed entries have only `SourceItem.feedFieldNames`. Such a rule matches
    /// nothing, silently.
    package static func ruleWarnings(_ configuration: Configuration) -> [String] {
        let feedSources = Set(
            configuration.sources.compactMap { source -> String? in
                if case .feed = source.kind { return source.name }
                return nil
            })
        var warnings: [String] = []
        for rule in configuration.rules where !rule.match.fields.isEmpty {
            let sources = rule.match.sources.isEmpty ? configuration.sources.map(\.name) : rule.match.sources
            guard !sources.isEmpty, sources.allSatisfy(feedSources.contains) else { continue }
            for key in rule.match.fields.keys.sorted() where !SourceItem.feedFieldNames.contains(key) {
                let names = sources.map { "\"\($0)\"" }.joined(separator: ", ")
                warnings.append(
                    "rule \"\(rule.name)\" matches the field \(key), which feed entries do not have, so it matches no "
                        + "entry of \(sources.count == 1 ? "source" : "sources") \(names); feed entries have the fields "
                        + SourceItem.feedFieldNames.joined(separator: ", "))
            }
        }
        return warnings
    }

    /// Returns the standard name within two edits of `name`, if there is one.
    static func closestStandardName(_ name: String) -> String? {
        closestName(name, among: standardNames)
    }

    /// Returns the name of `candidates` within two edits of `name` and nearest to it, if there is one.
    static func closestName(_ name: String, among candidates: Set<String>) -> String? {
        var best: (name: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(Array(name), Array(candidate))
            guard distance <= 2, distance < name.count else { continue }
            if let current = best, distance >= current.distance { continue }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// Counts the Levenshtein distance between two strings.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for row in 1...a.count {
            current[0] = row
            for column in 1...b.count {
                let substitution = previous[column - 1] + (a[row - 1] == b[column - 1] ? 0 : 1)
                current[column] = min(previous[column] + 1, current[column - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
