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
        let contentDir = hugoSetting("contentDir", site: site)
        guard let contentDir, !contentDir.isEmpty else { return ContentMediaResolver.join(site, "content") }
        if contentDir.hasPrefix("/") { return ContentMediaResolver.join("/", contentDir) }
        return ContentMediaResolver.join(site, contentDir, floorPath: "/")
    }

    /// Returns the top-level text setting `key` of a Hugo site's configuration: its root file's, else that of a
    /// file in `config/_default/`.
    static func hugoSetting(_ key: String, site: String) -> String? {
        let rootFile = hugoRootConfigurationFiles.first { FileManager.default.fileExists(atPath: site + "/" + $0) }
        return ((rootFile.map { [$0] } ?? []) + hugoDefaultFolderFiles).lazy.compactMap { name in
            Self.setting(key, inConfigurationAt: site + "/" + name)
        }.first
    }

    /// Returns a site's public URL with its path, without a trailing `/`: Hugo's `baseURL`, or Jekyll's `url`
    /// followed by its `baseurl`. Nil when the configuration gives no http or https URL.
    static func siteBaseURL(folder: String, syntax: TemplateSyntax) -> String? {
        var base: String?
        if syntax == .hugo {
            base = hugoSetting("baseURL", site: folder)
        } else {
            for file in ["_config.yml", "_config.yaml", "_config.toml"] {
                let path = folder + "/" + file
                guard let url = Self.setting("url", inConfigurationAt: path) else { continue }
                let subpath = Self.setting("baseurl", inConfigurationAt: path) ?? ""
                base = url.trimmingSuffix("/") + (subpath.isEmpty || subpath.hasPrefix("/") ? "" : "/") + subpath
                break
            }
        }
        guard let base = base?.trimmingSuffix("/"), let scheme = base.split(separator: ":").first?.lowercased(),
            scheme == "http" || scheme == "https", base.contains("://")
        else { return nil }
        return base
    }

    /// Returns the time zone that a site's configuration names, Jekyll's `timezone` in `_config.yml` or Hugo's
    /// `timeZone`, or the name when it is not a time zone that this system knows. Nil when there is none.
    static func siteTimeZone(folder: String, syntax: TemplateSyntax) -> Result<TimeZone, SiteTimeZoneError>? {
        let name: String?
        if syntax == .hugo {
            name = hugoSetting("timeZone", site: folder)
        } else {
            name =
                ["_config.yml", "_config.yaml", "_config.toml"].lazy.compactMap { file in
                    Self.setting("timezone", inConfigurationAt: folder + "/" + file)
                }.first
        }
        guard let name, !name.isEmpty else { return nil }
        guard let zone = TimeZone(identifier: name) else {
            return .failure(SiteTimeZoneError(name: name, site: folder))
        }
        return .success(zone)
    }

    /// Returns the top-level text setting `key` of the configuration file at `path`, whose key Hugo matches
    /// without case, or nil when the file is missing, does not parse or has no such key.
    private static func setting(_ key: String, inConfigurationAt path: String) -> String? {
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
        return pairs.first { $0.0.lowercased() == key.lowercased() }.flatMap { pair in
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

/// A site configuration's time zone that this system does not know.
package struct SiteTimeZoneError: Error, CustomStringConvertible {
    package var name: String
    package var site: String

    package var description: String {
        "the site configuration in \(site) names the time zone \"\(name)\", which this system does not know, so "
            + "dates without an offset are read in the workspace's time zone; write an IANA name such as "
            + "Europe/Berlin"
    }
}

extension String {
    /// Returns the string without the trailing `suffix` characters, such as the `/` at the end of a URL.
    func trimmingSuffix(_ suffix: Character) -> String {
        var copy = self
        while copy.last == suffix { copy.removeLast() }
        return copy
    }
}
