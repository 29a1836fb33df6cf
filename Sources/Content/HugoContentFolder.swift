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
    static func hugoContentFolder(site: String, settings: SiteSettings) -> String {
        let contentDir = settings.value("contentDir")
        guard let contentDir, !contentDir.isEmpty else { return ContentMediaResolver.join(site, "content") }
        if contentDir.hasPrefix("/") { return ContentMediaResolver.join("/", contentDir) }
        return ContentMediaResolver.join(site, contentDir, floorPath: "/")
    }

    /// Reads the top-level text settings of a site's configuration files once. For Hugo these are its root file,
    /// then the files in `config/_default/`, and for Jekyll its `_config` files.
    static func siteSettings(folder: String, syntax: TemplateSyntax) -> SiteSettings {
        let names: [String]
        if syntax == .hugo {
            let rootFile = hugoRootConfigurationFiles.first {
                FileManager.default.fileExists(atPath: folder + "/" + $0)
            }
            names = (rootFile.map { [$0] } ?? []) + hugoDefaultFolderFiles
        } else {
            names = ["_config.yml", "_config.yaml", "_config.toml"]
        }
        return SiteSettings(files: names.compactMap { settings(inConfigurationAt: folder + "/" + $0) })
    }

    /// Returns a site's public URL with its path, without a trailing `/`: Hugo's `baseURL`, or Jekyll's `url`
    /// followed by the `baseurl` of the same file. Nil when the configuration gives no http or https URL.
    static func siteBaseURL(_ settings: SiteSettings, syntax: TemplateSyntax) -> String? {
        var base: String?
        if syntax == .hugo {
            base = settings.value("baseURL")
        } else if let file = settings.file(with: "url"), let url = file["url"] {
            let subpath = file["baseurl"] ?? ""
            base = url.trimmingSuffix("/") + (subpath.isEmpty || subpath.hasPrefix("/") ? "" : "/") + subpath
        }
        guard let base = base?.trimmingSuffix("/"), let scheme = base.split(separator: ":").first?.lowercased(),
            scheme == "http" || scheme == "https", base.contains("://")
        else { return nil }
        return base
    }

    /// Returns the time zone that a site's configuration names, Jekyll's `timezone` or Hugo's `timeZone`. A name
    /// that is not a time zone of this system gives a failure. Nil when the configuration names none.
    static func siteTimeZone(_ settings: SiteSettings, folder: String) -> Result<TimeZone, SiteTimeZoneError>? {
        // Keys are matched without case, so Jekyll's `timezone` and Hugo's `timeZone` are one key.
        guard let name = settings.value("timezone"), !name.isEmpty else { return nil }
        guard let zone = TimeZone(identifier: name) else {
            return .failure(SiteTimeZoneError(name: name, site: folder))
        }
        return .success(zone)
    }

    /// Returns the top-level text settings of the configuration file at `path` by lowercased key, as Hugo matches
    /// keys without case, or nil when the file is missing or does not parse.
    private static func settings(inConfigurationAt path: String) -> [String: String]? {
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
        var settings: [String: String] = [:]
        for (key, value) in pairs {
            guard case .string(let text) = value else { continue }
            // The first of two keys that differ only in case wins, as the first match did before.
            let lowered = key.lowercased()
            if settings[lowered] == nil { settings[lowered] = text.trimmingCharacters(in: .whitespaces) }
        }
        return settings
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

/// The top-level text settings of a site's configuration files, in the order the site's generator reads them.
struct SiteSettings {
    /// Each file's settings by lowercased key.
    var files: [[String: String]]

    /// Returns the setting `key` of the first file that has it, matched without case.
    func value(_ key: String) -> String? {
        file(with: key)?[key.lowercased()]
    }

    /// Returns the settings of the first file that has `key`, matched without case.
    func file(with key: String) -> [String: String]? {
        files.first { $0[key.lowercased()] != nil }
    }
}
