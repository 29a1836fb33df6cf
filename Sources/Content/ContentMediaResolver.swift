import Foundation
import YAML

/// Turns media references from front matter and bodies into `ContentMedia`, resolving local paths.
struct ContentMediaResolver {
    let root: String
    /// The folder of the file being read, absolute.
    let fileFolder: String
    let staticFolders: [String]
    /// Absolute folders where site-relative media are looked up after the root, such as Hugo's `static`.
    var siteFolders: [String] = []

    /// Front matter keys that name a post's images, as Jekyll themes, Hugo themes and jekyll-seo-tag use them.
    static let frontMatterKeys = ["image", "images", "cover", "featured_image", "featuredImage", "thumbnail"]

    /// The media references under the media keys of `frontMatter`: strings, lists, or mappings with `src`, `url`,
    /// `image` or `path` and an optional `alt`, `caption` or `title`.
    static func frontMatterMedia(_ frontMatter: YAMLValue) -> [ShortcodeMedia] {
        guard case .mapping(let pairs) = frontMatter else { return [] }
        var result: [ShortcodeMedia] = []
        for key in frontMatterKeys {
            for pair in pairs where pair.0 == key {
                collect(pair.1, into: &result, depth: 0)
            }
        }
        return result
    }

    private static func collect(_ value: YAMLValue, into result: inout [ShortcodeMedia], depth: Int) {
        guard depth < 4 else { return }
        switch value {
        case .string(let text) where !text.trimmingCharacters(in: .whitespaces).isEmpty:
            result.append(
                ShortcodeMedia(source: text.trimmingCharacters(in: .whitespaces), alt: nil, isFrontMatter: true))
        case .list(let items):
            for item in items { collect(item, into: &result, depth: depth + 1) }
        case .mapping(let pairs):
            let lookup = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
            let source = ["src", "url", "image", "path"].lazy.compactMap { lookup[$0] }.first
            guard let source else { return }
            let alt = ["alt", "caption", "title", "alt_text"].lazy.compactMap { key -> String? in
                guard case .string(let text)? = lookup[key], !text.isEmpty else { return nil }
                return text
            }.first
            if case .string(let text) = source, !text.isEmpty {
                result.append(ShortcodeMedia(source: text, alt: alt, isFrontMatter: true))
            } else {
                collect(source, into: &result, depth: depth + 1)
            }
        default:
            break
        }
    }

    /// The media for `references`, in order and without duplicates; `data:` and other non-HTTP URLs are left out.
    func resolve(_ references: [ShortcodeMedia]) -> [ContentMedia] {
        var seen = Set<String>()
        var result: [ContentMedia] = []
        for reference in references {
            guard seen.insert(reference.source).inserted, let media = resolve(reference) else { continue }
            result.append(media)
        }
        return result
    }

    private func resolve(_ reference: ShortcodeMedia) -> ContentMedia? {
        let source = reference.source
        let alt = reference.alt.flatMap { $0.isEmpty ? nil : $0 }
        if source.hasPrefix("//") {
            return ContentMedia(reference: source, kind: .absoluteURL, resolvedPath: nil, fileExists: false, alt: alt)
        }
        if let scheme = Self.scheme(of: source) {
            guard scheme == "http" || scheme == "https" else { return nil }
            return ContentMedia(reference: source, kind: .absoluteURL, resolvedPath: nil, fileExists: false, alt: alt)
        }
        let path = Self.filePath(of: source)
        guard !path.isEmpty else { return nil }
        if path.hasPrefix("/") { return siteRelative(source: source, path: path, alt: alt) }
        let candidates = [Self.join(fileFolder, path, floorPath: root), Self.join(root, path)]
        let existing = candidates.first(where: Self.isRegularFile)
        var medium = ContentMedia(
            reference: source, kind: .relativePath, resolvedPath: existing ?? candidates[0],
            fileExists: existing != nil, alt: alt)
        // A file at the source folder's top level has one candidate path, named twice.
        if existing == nil { medium.searchedPaths = candidates[0] == candidates[1] ? [candidates[0]] : candidates }
        // Hugo's and Jekyll's templates turn a relative front matter image into a URL below the site's root, as
        // Hugo's `absURL` does, so such a path not found beside the page is looked up as a site path too.
        if existing == nil && reference.isFrontMatter {
            let fromSite = siteRelative(source: source, path: "/" + path, alt: alt)
            if fromSite.fileExists { return fromSite }
            medium.searchedPaths += fromSite.searchedPaths.filter { !medium.searchedPaths.contains($0) }
        }
        return medium
    }

    /// Resolves `path`, which starts with a slash, below the source folder, its static folders and the site's
    /// folders.
    private func siteRelative(source: String, path: String, alt: String?) -> ContentMedia {
        let atRoot = Self.join(root, path)
        let candidates =
            staticFolders.map { Self.join(root, $0, path) } + [atRoot]
            + siteFolders.map { Self.join($0, path, floorPath: $0) }
        let existing = candidates.first(where: Self.isRegularFile)
        var medium = ContentMedia(
            reference: source, kind: .siteRelative, resolvedPath: existing ?? atRoot, fileExists: existing != nil,
            alt: alt)
        if existing == nil { medium.searchedPaths = [atRoot] + candidates.filter { $0 != atRoot } }
        return medium
    }

    /// The URL scheme, lowercased, when `text` starts with one (`https:`, `data:`).
    static func scheme(of text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        else { return nil }
        return scheme.lowercased()
    }

    /// The path part of a local reference: query and fragment removed, percent escapes decoded.
    static func filePath(of reference: String) -> String {
        var path = Substring(reference)
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        return String(path).removingPercentEncoding ?? String(path)
    }

    /// Joins path parts and removes `.` and `..` parts, never climbing above `floorPath` (default: `base`).
    static func join(_ base: String, _ parts: String..., floorPath: String? = nil) -> String {
        var components = base.split(separator: "/").map(String.init)
        let floor = floorPath.map { $0.split(separator: "/").count } ?? components.count
        for part in parts {
            for component in part.split(separator: "/") {
                if component == "." { continue }
                if component == ".." {
                    if components.count > floor { components.removeLast() }
                    continue
                }
                components.append(String(component))
            }
        }
        return "/" + components.joined(separator: "/")
    }

    static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }
}
