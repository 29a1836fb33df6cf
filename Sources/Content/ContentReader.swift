import Foundation
import HTMLScan
import YAML

/// Reads Markdown and HTML files of a directory source into `ContentItem`s.
///
/// Each call reads one file on its own, so one broken file never stops the others. After the front matter is
/// parsed, `draft: true`, `published: false`, Hugo's `headless: true` and `build: {render: never}` skip the file,
/// and so do Hugo section pages (`_index.md`) unless `skipSectionIndexes` is off. Files under folders starting with
/// `_` (Jekyll's `_layouts`, `_includes`, `_data` and the like) skip before they are read. The folders in
/// `publishedUnderscoreFolders` are the exception, and files under `_drafts` always skip as drafts.
package struct ContentReader: Sendable {
    package let root: String
    package let options: ContentReaderOptions
    let loader: SourceFileLoader
    let siteSyntax: TemplateSyntax
    /// Folders, absolute, where site-relative media are looked up after the source's own: Hugo's `static` and
    /// `assets` and a Jekyll site's root, when `detectSite` finds the site's configuration.
    let siteMediaFolders: [String]
    /// The note for a site-relative medium that was not found, naming the folders searched for a site
    /// configuration; nil when one was found.
    let siteMissingNote: String?
    /// Hugo's content folder, absolute, when `detectSite` finds a Hugo site, else nil.
    let siteContentFolder: String?
    /// The site's time zone, Jekyll's `timezone` or Hugo's `timeZone`, or nil without one. A date and time without
    /// an offset is read in it, as the site's build reads it.
    let siteTimeZone: TimeZone?
    /// The site's public URL with its path, Hugo's `baseURL` or Jekyll's `url` and `baseurl`, or nil without one.
    /// A front matter `url` or `permalink` that starts with `/` is made absolute with it.
    let siteBaseURL: String?
    /// The site configuration's time zone that this system does not know, for a warning; nil otherwise.
    package let siteTimeZoneProblem: String?

    package init(root: String, options: ContentReaderOptions = .init()) {
        self.root = root
        self.options = options
        loader = SourceFileLoader(root: root, maximumFileSize: options.maximumFileSize)
        let site = Self.detectSite(loader.resolvedRoot)
        siteSyntax = site?.syntax ?? .auto
        // The configuration is read once, for its content folder, base URL and time zone.
        let settings = site.map { Self.siteSettings(folder: $0.folder, syntax: $0.syntax) } ?? SiteSettings(files: [])
        siteBaseURL = site.flatMap { Self.siteBaseURL(settings, syntax: $0.syntax) }
        let zone = site.flatMap { Self.siteTimeZone(settings, folder: $0.folder) }
        siteTimeZone = try? zone?.get()
        if case .failure(let problem) = zone {
            siteTimeZoneProblem = problem.description
        } else {
            siteTimeZoneProblem = nil
        }
        switch site {
        case .some((let folder, .hugo)):
            siteMediaFolders = ["static", "assets"].map { ContentMediaResolver.join(folder, $0, floorPath: "/") }
            siteContentFolder = Self.hugoContentFolder(site: folder, settings: settings)
        case .some((let folder, _)) where folder != loader.resolvedRoot:
            siteMediaFolders = [folder]
            siteContentFolder = nil
        default:
            siteMediaFolders = []
            siteContentFolder = nil
        }
        if site == nil {
            let folders = Self.siteSearchFolders(loader.resolvedRoot)
            siteMissingNote =
                "no Hugo or Jekyll site configuration (hugo.toml, config.toml, _config.yml and the like) was found "
                + "in \(folders.joined(separator: ", ")), so no static/ or assets/ folder was searched"
        } else {
            siteMissingNote = nil
        }
    }

    /// Reads the file at `relativePath`, relative to the root with forward slashes.
    ///
    /// - Throws: `ContentError` naming the path, and the line and column when the problem has a position.
    package func read(relativePath: String) throws(ContentError) -> ContentReadResult {
        guard !relativePath.hasPrefix("/") else {
            throw ContentError(
                path: relativePath, message: "the path must be relative to the source root and must not contain ..")
        }
        let path = Self.normalized(relativePath)
        if let reason = pathSkipReason(path) { return .skipped(relativePath: path, reason: reason) }

        let text = try loader.loadText(path)
        // An editor's "new file" and `touch` create the file before anyone writes to it. Read as it is, it would
        // become a post whose whole text is the file name.
        if text.allSatisfy(\.isWhitespace) {
            return .skipped(relativePath: path, reason: "the file is empty; it is read again once it has content")
        }
        let frontMatter = try FrontMatterParser.parse(text, path: path)
        let fields = frontMatter.value
        if let reason = frontMatterSkipReason(fields, path: path) {
            return .skipped(relativePath: path, reason: reason)
        }

        var overrides: YAMLValue?
        if let planable = fields["planable"] {
            guard case .mapping = planable else {
                let position = frontMatter.position(of: "planable")
                throw ContentError(
                    path: path, line: position.line, column: position.column,
                    message: "planable: is \(Self.kindWord(planable)), expected a mapping such as "
                        + "planable: {skip: true}")
            }
            overrides = planable
        }

        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        let isHTML = ["html", "htm"].contains(fileName.split(separator: ".").last?.lowercased() ?? "")
        let stripper = templateStripper(path: path, frontMatter: frontMatter)
        let stripped = stripper.strip(String(frontMatter.body))
        let body = BodyText(stripped.text, isHTML: isHTML, keepCode: options.keepCodeBlocks)
        // Markdown's raw HTML goes to the same parser as an HTML file's. Its text and code blocks do not, so a `<`
        // in them, as in `x<y`, counts for nothing.
        if body.exceedsHTMLLimits {
            throw ContentError(
                path: path,
                message: "a tag in the body has more than \(HTMLMarkupScan.maximumAttributesPerTag) attributes, "
                    + "which the HTML parser reads in time that grows with their square; remove the attributes or "
                    + "exclude the file")
        }

        let slug = fields.text("slug") ?? Self.slug(path: path)
        let date = try itemDate(fields, frontMatter: frontMatter, path: path, fileName: fileName, htmlDate: body.date)
        let summary = itemSummary(fields, body: body, stripper: stripper, strippedBody: stripped.text, isHTML: isHTML)

        let folder = ContentMediaResolver.join(loader.resolvedRoot, String(path.dropLast(fileName.count)))
        let resolver = ContentMediaResolver(
            root: loader.resolvedRoot, fileFolder: folder, staticFolders: options.staticFolders,
            siteFolders: siteMediaFolders)
        let frontMatterMedia = ContentMediaResolver.frontMatterMedia(fields)
        let references = frontMatterMedia + stripped.media + body.images
        let namedInFrontMatter = Set(frontMatterMedia.map(\.source))

        var item = ContentItem(
            identity: fields.text("id") ?? path, relativePath: path,
            title: fields.text("title") ?? body.title ?? slug,
            date: date?.date, dateHasTime: date?.hasTime ?? false, dateHasZone: date?.hasZone ?? false,
            slug: slug, tags: fields.strings("tags") ?? [],
            categories: fields.strings("categories") ?? fields.strings("category") ?? [],
            summary: summary, text: body.blocks.joined(separator: "\n\n"), links: body.links,
            media: resolver.resolve(references).map { resolved in
                var medium = notingSiteSearch(resolved)
                medium.isFromBody = !namedInFrontMatter.contains(medium.reference)
                return medium
            },
            url: itemURL(fields.text("url") ?? fields.text("permalink") ?? fields.text("link")),
            frontMatter: fields, overrides: overrides, contentHash: "", format: frontMatter.format)
        item.siteFolder = siteContentFolder.flatMap { Self.path(of: folder, below: $0) }
        item.siteTimeZone = siteTimeZone
        if date != nil, fields["date"] != nil,
            let publish = try itemDate(
                publishDateFields(fields), frontMatter: frontMatter, path: path, fileName: "", htmlDate: nil)
        {
            item.publishDate = publish.date
            item.publishDateHasTime = publish.hasTime
        }
        item.contentHash = ContentHash.compute(item)
        return .item(item)
    }

    /// Adds `siteMissingNote` to a site-relative medium that was not found.
    private func notingSiteSearch(_ medium: ContentMedia) -> ContentMedia {
        guard medium.kind == .siteRelative, !medium.fileExists, let note = siteMissingNote else { return medium }
        var noted = medium
        noted.searchNote = note
        return noted
    }

    /// Removes `./` parts from a path and turns backslashes into slashes.
    static func normalized(_ path: String) -> String {
        path.replacingOccurrences(of: "\\", with: "/").split(separator: "/").filter { $0 != "." }
            .joined(separator: "/")
    }

    private func pathSkipReason(_ path: String) -> String? {
        let components = path.split(separator: "/").map(String.init)
        for folder in components.dropLast() where folder.hasPrefix("_") {
            if folder == "_drafts" { return "in _drafts, which Jekyll publishes only with --drafts" }
            if options.publishedUnderscoreFolders.contains(folder) || options.readUnderscoreFolders { continue }
            return "under \(folder), a folder whose name starts with _, which holds no pages of its own (Jekyll "
                + "does not publish such folders, and Hugo's own documentation keeps shared snippets in its "
                + "_common folders), so its files are not posted"
        }
        if let name = components.last, name.hasPrefix("_"), !name.hasPrefix("_index."), !options.readUnderscoreFolders {
            return "the file name starts with _, and Jekyll does not publish such files"
        }
        return nil
    }

    private func frontMatterSkipReason(_ fields: YAMLValue, path: String) -> String? {
        if fields.isTrue("draft") { return "draft: true in the front matter" }
        if fields.isFalse("published") { return "published: false in the front matter" }
        if fields.isTrue("headless") { return "headless: true in the front matter (a Hugo headless bundle)" }
        for key in ["build", "_build"] {
            if let build = fields[key], build.isFalse("render") || build.text("render") == "never" {
                return "\(key): render: never in the front matter (Hugo does not render the page)"
            }
        }
        let fileName = path.split(separator: "/").last ?? ""
        if options.skipSectionIndexes && fileName.hasPrefix("_index.") {
            return "a Hugo section page (_index), which lists other pages instead of being a post of its own"
        }
        return nil
    }

    static func kindWord(_ value: YAMLValue) -> String {
        switch value {
        case .null: "null"
        case .bool, .integer, .double, .string: "a scalar"
        case .list: "a list"
        case .mapping: "a mapping"
        }
    }
}
