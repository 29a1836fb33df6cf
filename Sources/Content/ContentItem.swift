import Foundation
import YAML

/// The syntax of a file's front matter block.
package enum FrontMatterFormat: String, Sendable, Equatable {
    /// `---` lines around YAML, as Jekyll and Hugo write it.
    case yaml
    /// `+++` lines around TOML, as Hugo writes it.
    case toml
    /// A JSON object at the start of the file, as Hugo allows.
    case json
    /// No front matter: a plain HTML file, whose title comes from `<title>`.
    case none
}

/// An image or other media file that a post refers to.
package struct ContentMedia: Sendable, Equatable {
    /// The kind of location a media reference points to.
    package enum Kind: String, Sendable, Equatable {
        /// An `http` or `https` URL (a protocol-relative `//host/path` counts as `https`).
        case absoluteURL
        /// A path relative to the file's folder (or, when only there, to the source root).
        case relativePath
        /// A path starting with `/`: relative to the site, so the engine maps it with the site's public base URL.
        case siteRelative
    }

    /// The reference as written in the front matter or the body.
    package var reference: String
    package var kind: Kind
    /// The absolute file path for local references; `nil` for absolute URLs.
    package var resolvedPath: String?
    /// True when `resolvedPath` names an existing regular file.
    package var fileExists: Bool
    /// The alternative text or caption, when one was written.
    package var alt: String?
    /// Every path looked at for a local file that exists at none of them, `resolvedPath` first.
    package var searchedPaths: [String] = []
    /// For a local file that was not found, the reason other folders were not searched, such as a missing site
    /// configuration.
    package var searchNote: String?
    /// Whether the reference comes from the body only, as an inline picture or a shortcode's, not from a front
    /// matter field that names the post's media.
    package var isFromBody = false

    package init(reference: String, kind: Kind, resolvedPath: String?, fileExists: Bool, alt: String?) {
        self.reference = reference
        self.kind = kind
        self.resolvedPath = resolvedPath
        self.fileExists = fileExists
        self.alt = alt
    }
}

/// One publishable file of a directory source, reduced to what a social post is made of.
package struct ContentItem: Sendable, Equatable {
    /// The stable identity: the front matter `id` when present, else `relativePath`.
    package var identity: String
    /// The path relative to the source root, with forward slashes.
    package var relativePath: String
    package var title: String
    package var date: Date?
    /// True when the date was written with a time of day.
    package var dateHasTime: Bool
    /// True when the date was written with an explicit zone or offset; otherwise `date` was computed in
    /// `ContentReaderOptions.timeZone`.
    package var dateHasZone: Bool
    package var slug: String
    package var tags: [String]
    package var categories: [String]
    package var summary: String
    /// The body as plain text: paragraphs separated by blank lines, list items as lines.
    package var text: String
    /// The link targets of the body, in order of appearance, without duplicates.
    package var links: [String]
    package var media: [ContentMedia]
    /// The front matter `url`, `permalink` or `link`, when one is set.
    package var url: String?
    /// The whole front matter as a mapping; TOML and JSON front matter converted to the same values.
    package var frontMatter: YAMLValue
    /// The `planable:` mapping of the front matter, carried for the engine to interpret.
    package var overrides: YAMLValue?
    /// SHA-256 over the fields that make the post (see `ContentHash`), as hexadecimal digits.
    package var contentHash: String
    package var format: FrontMatterFormat
    /// Hugo's `publishDate` when the front matter also has a `date`: the time the page goes live, which `date`
    /// (the time it was written) may precede.
    package var publishDate: Date? = nil
    /// True when `publishDate` was written with a time of day.
    package var publishDateHasTime = false
    /// The file's folder below a Hugo site's content folder, such as `posts/opening` for
    /// `content/posts/opening/index.md`, which is where Hugo publishes the page and its bundle's files with the
    /// default permalinks. Empty for a file at the content folder's top level, and nil when no Hugo site encloses
    /// the file, as in a Jekyll site or a folder without a site configuration.
    package var siteFolder: String? = nil
    /// The site's time zone when its configuration names one, in which the site's build writes a date and time
    /// into URLs, such as Jekyll's `/2024/03/01/name/`.
    package var siteTimeZone: TimeZone? = nil
}

/// The outcome of reading one file.
package enum ContentReadResult: Sendable, Equatable {
    case item(ContentItem)
    /// The file was read but is not to be posted, for the reason given.
    case skipped(relativePath: String, reason: String)
}

/// A file that could not be read or parsed, with the position of the problem when one is known.
package struct ContentError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path relative to the source root.
    package var path: String
    package var line: Int?
    package var column: Int?
    package var message: String

    package init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// "path:line:column: message", leaving out the position parts that are unknown.
    package var description: String {
        var location = path
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(message)"
    }
}
