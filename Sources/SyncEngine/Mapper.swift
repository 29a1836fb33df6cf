import Foundation
import Templates
import YAML

/// An item that the mapping cannot turn into posts: a template error, a per-network limit, a missing field.
package struct MappingError: Error, Sendable, CustomStringConvertible {
    package var message: String
    /// True when the configuration is at fault (exit code 78) rather than the item (65).
    package var isConfigurationError: Bool

    package init(_ message: String, isConfigurationError: Bool = false) {
        self.message = message
        self.isConfigurationError = isConfigurationError
    }

    package var description: String { message }
}

/// Turns source items into planned posts: renders each page's template and groups pages with equal payloads.
package struct Mapper: Sendable {
    let configuration: Configuration
    let context: WorkspaceContext
    private let defaultTemplate: Template
    /// Templates by page id, for pages whose page name or network has its own template.
    private let pageTemplates: [String: Template]
    private let linkTemplates: [String: Template]

    /// Compiles every template of the configuration, so a syntax error stops the run before any item.
    ///
    /// - Throws: `MappingError` with `isConfigurationError` set, naming the template, line and column.
    package init(configuration: Configuration, context: WorkspaceContext) throws {
        self.configuration = configuration
        self.context = context
        do {
            defaultTemplate = try Template(name: "template", source: configuration.template)
            var byPage: [String: Template] = [:]
            for page in context.pages {
                let key = configuration.templates[page.name] != nil ? page.name : page.platform
                if let source = configuration.templates[key] {
                    byPage[page.id] = try Template(name: "templates.\(key)", source: source)
                }
            }
            pageTemplates = byPage
            var links: [String: Template] = [:]
            for source in configuration.sources {
                if let template = source.urlTemplate {
                    links[source.name] = try Template(name: "sources.\(source.name).link", source: template)
                }
            }
            linkTemplates = links
        } catch {
            throw MappingError("\(configuration.path): \(error)", isConfigurationError: true)
        }
    }

    /// Plans the posts for `item`, one group per distinct payload.
    ///
    /// - Throws: `MappingError` naming the item, the page and what is wrong.
    package func plan(_ item: SourceItem) throws -> [PlannedGroup] {
        var values = templateValues(for: item)
        if let template = linkTemplates[item.source] {
            let link = try render(template, values, item: item)
            values["url"] = .string(link)
        }
        let context = TemplateValue.mapping(values.map { ($0.key, $0.value) })
        var groups: [PlannedGroup] = []
        for page in self.context.pages {
            let template = pageTemplates[page.id] ?? defaultTemplate
            let text = try render(template, context, item: item, page: page)
            var payload = PostPayload(text: text.trimmingCharacters(in: .whitespacesAndNewlines))
            payload.media = item.media.compactMap { medium in
                if case .url(let url) = medium.location { url } else { nil }
            }
            if let index = groups.firstIndex(where: { $0.payload == payload }) {
                groups[index].pages.append(page)
            } else {
                groups.append(PlannedGroup(pages: [page], payload: payload))
            }
        }
        return groups
    }

    private func render(_ template: Template, _ values: [String: TemplateValue], item: SourceItem) throws -> String {
        try render(template, .mapping(values.map { ($0.key, $0.value) }), item: item, page: nil)
    }

    private func render(_ template: Template, _ context: TemplateValue, item: SourceItem, page: ResolvedPage?) throws
        -> String
    {
        do {
            return try template.render(context)
        } catch {
            let pageText = page.map { " for page \"\($0.name)\"" } ?? ""
            throw MappingError("\(item.source): \(item.location): cannot render\(pageText): \(error)")
        }
    }

    /// The variables templates see: the item's fields, then the standard names, which win on a clash.
    func templateValues(for item: SourceItem) -> [String: TemplateValue] {
        var values: [String: TemplateValue] = [:]
        if case .mapping(let pairs) = item.fields {
            for (key, value) in pairs { values[key] = TemplateValue(value) }
        }
        values["fields"] = TemplateValue(item.fields)
        values["title"] = .string(item.title)
        values["summary"] = .string(item.summary)
        values["text"] = .string(item.text)
        values["url"] = item.url.map { .string($0) } ?? .null
        values["tags"] = .string(item.tags.map(Self.hashtag).joined(separator: " "))
        values["tag_list"] = .list(item.tags.map { .string($0) })
        values["categories"] = .list(item.categories.map { .string($0) })
        values["source"] = .string(item.source)
        values["id"] = .string(item.identity)
        if let date = item.date {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: context.workspace.timezone) ?? TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            values["date"] = .mapping([
                ("year", .string(String(format: "%04d", parts.year ?? 0))),
                ("month", .string(String(format: "%02d", parts.month ?? 0))),
                ("day", .string(String(format: "%02d", parts.day ?? 0))),
                ("iso", .string(ISO8601DateFormatter().string(from: date))),
            ])
        }
        values["slug"] = .string(Self.slug(for: item))
        return values
    }

    /// A tag as a hashtag: letters and digits kept, everything else dropped, so "Jekyll 4.0" becomes "#Jekyll40".
    static func hashtag(_ tag: String) -> String {
        "#" + tag.filter { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// The slug: front matter `slug`, else the file name without a Jekyll date prefix and extension.
    static func slug(for item: SourceItem) -> String {
        if case .mapping(let pairs) = item.fields, let slug = pairs.first(where: { $0.0 == "slug" })?.1,
            case .string(let text) = slug
        {
            return text
        }
        var name = ((item.location as NSString).lastPathComponent as NSString).deletingPathExtension
        let prefix = name.prefix(11)
        if prefix.count == 11, prefix.dropLast().allSatisfy({ $0.isNumber || $0 == "-" }), prefix.last == "-" {
            name = String(name.dropFirst(11))
        }
        return name
    }
}
