import Foundation

/// Settings for `ContentReader`; the defaults follow Jekyll's and Hugo's own conventions.
package struct ContentReaderOptions: Sendable {
    /// Keeps the text of fenced and indented code blocks in `ContentItem.text` when true; drops it by default.
    package var keepCodeBlocks = false
    /// The largest file read, in bytes; larger files give an error.
    package var maximumFileSize = 10 * 1024 * 1024
    /// The zone for dates written without one; the engine passes the workspace's time zone.
    package var timeZone = TimeZone(identifier: "UTC")!
    package var templateSyntax = TemplateSyntax.auto
    /// Folders, relative to the source root, where site-relative media (`/images/a.png`) are looked up before the
    /// root itself, such as Hugo's `static` or `assets`.
    package var staticFolders: [String] = []
    /// Hugo shortcodes whose inner content is code and follows the code block policy.
    package var codeShortcodes: Set<String> = ["highlight", "code-toggle", "code"]
    /// Skips Hugo section pages (`_index.md`), which list other pages rather than being a post of their own.
    package var skipSectionIndexes = true
    /// Reads files under folders whose names start with `_` (Jekyll's `_layouts`, `_includes`, `_data`, Hugo's
    /// headless `_common`); when false they are skipped without being parsed, except the folders named in
    /// `publishedUnderscoreFolders`. `_drafts` is always skipped as drafts.
    package var readUnderscoreFolders = false
    /// Folders starting with `_` whose files are posts: Jekyll's `_posts` and any collections with output.
    package var publishedUnderscoreFolders: Set<String> = ["_posts"]
    /// The excerpt separator when the front matter sets no `excerpt_separator`; `nil` takes the first paragraph,
    /// as Jekyll's default `"\n\n"` does.
    package var excerptSeparator: String?

    package init() {}
}
