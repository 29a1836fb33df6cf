import Foundation
import YAML

extension ContentReader {
    /// Front matter keys read as the publication date, in order: Jekyll's and Hugo's `date`, then Hugo's
    /// `publishDate` and its aliases.
    static let dateKeys = ["date", "publishDate", "publishdate", "pubDate", "pubdate", "published"]

    /// Hugo's summary divider; text before it is the summary.
    static let summaryDivider = "<!--more-->"

    /// Detects a site's template syntax: Jekyll when its root (or the root's parent) has `_config.yml`, Hugo when it
    /// has a Hugo configuration file, else `.auto` to decide per file.
    static func detectSiteSyntax(_ root: String) -> TemplateSyntax {
        detectSite(root)?.syntax ?? .auto
    }

    /// The number of folders above a source's root that `detectSite` searches, so that `content/posts` in a Hugo
    /// site finds the site's root two levels up.
    static let siteSearchDepth = 3

    /// Finds the nearest site whose configuration file is in `root` or one of the `siteSearchDepth` folders above
    /// it, and returns its folder and its template syntax.
    static func detectSite(_ root: String) -> (folder: String, syntax: TemplateSyntax)? {
        for (depth, folder) in siteSearchFolders(root).enumerated() {
            let has = { (name: String) in FileManager.default.fileExists(atPath: folder + "/" + name) }
            if ["_config.yml", "_config.yaml", "_config.toml"].contains(where: has) { return (folder, .jekyll) }
            // Hugo also reads its settings from config/_default/, as sites split per environment do.
            let hugoFiles = ["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"]
            let genericFiles = ["config.toml", "config.yaml", "config.yml", "config.json"]
            let splitConfiguration = (hugoFiles + genericFiles).contains { has("config/_default/" + $0) }
            if hugoFiles.contains(where: has) || splitConfiguration { return (folder, .hugo) }
            // config.* are common names, so above the source's parent such a file counts only beside a folder
            // that Hugo sites have, and another tool's config.json further up does not make the source a Hugo site.
            let hugoFolders = ["content", "archetypes", "layouts", "themes"]
            if genericFiles.contains(where: has) && (depth <= 1 || hugoFolders.contains(where: has)) {
                return (folder, .hugo)
            }
        }
        return nil
    }

    /// Returns `root` and the folders above it that `detectSite` searches, nearest first.
    static func siteSearchFolders(_ root: String) -> [String] {
        var folders = [root]
        while folders.count <= siteSearchDepth, let last = folders.last, last != "/" {
            folders.append(ContentMediaResolver.join(last, "..", floorPath: "/"))
        }
        return folders
    }

    func templateStripper(path: String, frontMatter: FrontMatter) -> TemplateTagStripper {
        var syntax = options.templateSyntax
        if syntax == .auto { syntax = siteSyntax }
        if syntax == .auto {
            let components = path.split(separator: "/")
            let fileName = components.last.map(String.init) ?? ""
            let body = frontMatter.body
            if components.contains("_posts") || components.contains("_drafts") || Self.fileNameDate(fileName) != nil {
                syntax = .jekyll
            } else if frontMatter.format == .toml || body.contains("{{<") || body.contains("{{%") {
                syntax = .hugo
            } else if body.contains("{%") {
                syntax = .both
            } else {
                // Without any sign of Liquid, `{{ ... }}` stays as written, as in Hugo content.
                syntax = .hugo
            }
        }
        return TemplateTagStripper(
            liquid: syntax == .jekyll || syntax == .both, hugo: syntax == .hugo || syntax == .both,
            codeShortcodes: options.codeShortcodes)
    }

    /// Extracts the `yyyy-mm-dd` prefix of a Jekyll post's file name, such as `2013-05-06-title.markdown`.
    static func fileNameDate(_ fileName: String) -> String? {
        let characters = Array(fileName.utf8)
        guard characters.count > 11, characters[10] == UInt8(ascii: "-") else { return nil }
        for (index, character) in characters[0..<10].enumerated() {
            let isDash = character == UInt8(ascii: "-")
            guard (index == 4 || index == 7) ? isDash : (character >= 48 && character <= 57) else { return nil }
        }
        return String(fileName.prefix(10))
    }

    /// Derives the slug from the file name without Jekyll's date prefix and the extension. For `index` and `_index`
    /// files (Hugo bundles and sections) it is the folder's name.
    static func slug(path: String) -> String {
        let components = path.split(separator: "/").map(String.init)
        let fileName = components.last ?? path
        var stem = fileName
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
        if fileNameDate(stem + ".") != nil { stem = String(stem.dropFirst(11)) }
        if stem == "index" || stem == "_index", components.count > 1 { return components[components.count - 2] }
        return stem
    }

    /// Returns the front matter's `publishDate` (or `publishdate`) alone, for `itemDate` to parse, or an empty
    /// mapping.
    func publishDateFields(_ fields: YAMLValue) -> YAMLValue {
        for key in ["publishDate", "publishdate"] {
            if let value = fields[key] { return .mapping([(key, value)]) }
        }
        return .mapping([])
    }

    func itemDate(
        _ fields: YAMLValue, frontMatter: FrontMatter, path: String, fileName: String, htmlDate: String?
    ) throws(ContentError) -> ContentDate? {
        for key in Self.dateKeys {
            guard let value = fields[key] else { continue }
            if key == "published", case .bool = value { continue }
            if case .null = value { continue }
            let text = value.plainText
            guard case .string = value, let date = parseDate(text) else {
                let position = frontMatter.position(of: key)
                throw ContentError(
                    path: path, line: position.line, column: position.column,
                    message: "invalid \(key) \"\(text)\" in the front matter; write it as 2013-05-06, "
                        + "2013-05-06 10:00:00 -0500 or 2013-05-06T10:00:00Z")
            }
            return date
        }
        if let prefix = Self.fileNameDate(fileName) {
            return ContentDate.parse(prefix, timeZone: options.timeZone)
        }
        if let htmlDate { return parseDate(htmlDate) }
        return nil
    }

    /// Returns the page's URL from its front matter `url`, `permalink` or `link`: an absolute URL as written, and
    /// a path that starts with `/` under the site's base URL when its configuration gives one. A Jekyll permalink
    /// pattern such as `/:categories/:title/` is no URL of its own, so it gives nil.
    func itemURL(_ written: String?) -> String? {
        guard let written, !written.isEmpty else { return nil }
        if written.contains("://") { return written }
        if written.split(separator: "/").contains(where: { $0.hasPrefix(":") }) { return nil }
        guard written.hasPrefix("/"), !written.hasPrefix("//"), let siteBaseURL else { return written }
        return siteBaseURL + written
    }

    /// Parses a date of the front matter or the HTML. A date and time without an offset is read in the site's
    /// time zone when its configuration names one, as the site's build reads it. A date without a time stays in
    /// `options.timeZone`, the workspace's, where a rule's time of day schedules it.
    func parseDate(_ text: String) -> ContentDate? {
        guard let siteTimeZone, let date = ContentDate.parse(text, timeZone: siteTimeZone), date.hasTime else {
            return ContentDate.parse(text, timeZone: options.timeZone)
        }
        return date
    }

    /// Picks the summary. Front matter `summary`, `description` or `excerpt` comes first, then the text before the
    /// excerpt separator (`excerpt_separator`, the configured one, or Hugo's `<!--more-->`), then the first paragraph.
    func itemSummary(
        _ fields: YAMLValue, body: BodyText, stripper: TemplateTagStripper, strippedBody: String, isHTML: Bool
    ) -> String {
        for key in ["summary", "description", "excerpt"] {
            if let text = fields.text(key) {
                return plainText(stripper.strip(text).text, isHTML: false)
            }
        }
        var separators: [String] = []
        if let separator = fields.text("excerpt_separator") ?? options.excerptSeparator { separators.append(separator) }
        separators.append(Self.summaryDivider)
        for separator in separators where separator != "\n\n" {
            if let range = strippedBody.range(of: separator) {
                let excerpt = plainText(String(strippedBody[..<range.lowerBound]), isHTML: isHTML)
                if !excerpt.isEmpty { return excerpt }
            }
        }
        return body.excerpt ?? ""
    }

    private func plainText(_ text: String, isHTML: Bool) -> String {
        BodyText(text, isHTML: isHTML, keepCode: options.keepCodeBlocks).blocks.joined(separator: "\n\n")
    }
}
