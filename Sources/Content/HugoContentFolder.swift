import Foundation
import YAML

extension ContentReader {
    /// The root configuration files of a Hugo site, relative to its folder, in the order Hugo looks for them. Hugo
    /// reads only the first that exists, so a `hugo.*` file hides a stale `config.*` beside it.
    static let hugoRootConfigurationFiles = ["hugo", "config"]
        .flatMap { name in ["toml", "yaml", "yml", "json"].map { "\(name).\($0)" } }

    /// The files of the per-environment folder `config/_default/` that can set `contentDir`, read after the root
    /// file.
    static let hugoDefaultFolderFiles = ["config/_default/hugo", "config/_default/config"]
        .flatMap { name in ["toml", "yaml", "yml", "json"].map { "\(name).\($0)" } }

    /// The largest Hugo configuration file read for `contentDir`, in bytes.
    static let maximumConfigurationSize = 1024 * 1024

    /// Returns the absolute path of a Hugo site's content folder: the configuration's `contentDir`, taken from
    /// the site's folder, or else `content`, Hugo's default.
    ///
    /// NOTE: a multilingual site's per-language `contentDir` (`languages.fr.contentDir`) is not read, so such a
    /// site's content folder counts as `content`.
    static func hugoContentFolder(site: String) -> String {
        let rootFile = hugoRootConfigurationFiles.first { FileManager.default.fileExists(atPath: site + "/" + $0) }
        let contentDir = ((rootFile.map { [$0] } ?? []) + hugoDefaultFolderFiles).lazy.compactMap { name in
            Self.contentDir(inConfigurationAt: site + "/" + name)
        }.first
        guard let contentDir, !contentDir.isEmpty else { return ContentMediaResolver.join(site, "content") }
        if contentDir.hasPrefix("/") { return ContentMediaResolver.join("/", contentDir) }
        return ContentMediaResolver.join(site, contentDir, floorPath: "/")
    }

    /// Returns the top-level `contentDir` of the Hugo configuration file at `path`, whose key Hugo matches
    /// without case, or nil when the file is missing, does not parse or has no such key.
    private static func contentDir(inConfigurationAt path: String) -> String? {
        // A site's configuration is a few kilobytes, so a file over the limit is taken for something else.
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
            status.st_size <= maximumConfigurationSize,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // The front matter parser reads all three formats, so the file is wrapped as front matter of its format.
        let wrapped: String
        switch (path as NSString).pathExtension {
        case "toml":
            wrapped = "+++\n\(text)\n+++\n"
        case "json":
            wrapped = text
        default:
            // A YAML file may open with a `---` document marker, which would close the wrapper at once.
            let yaml = text.hasPrefix("---\n") ? String(text.dropFirst(4)) : text
            wrapped = "---\n\(yaml)\n---\n"
        }
        guard let parsed = try? FrontMatterParser.parse(wrapped, path: path),
            case .mapping(let pairs) = parsed.value
        else { return nil }
        return pairs.first { $0.0.lowercased() == "contentdir" }.flatMap { pair in
            guard case .string(let folder) = pair.1 else { return nil }
            return folder.trimmingCharacters(in: .whitespaces)
        }
    }

    /// Returns `folder`'s path below `base`, empty when they are the same folder, or nil when `folder` is not
    /// inside `base`. Both are absolute paths without `.` or `..` parts.
    static func path(of folder: String, below base: String) -> String? {
        if folder == base { return "" }
        let prefix = base == "/" ? "/" : base + "/"
        guard folder.hasPrefix(prefix) else { return nil }
        return String(folder.dropFirst(prefix.count))
    }
}
