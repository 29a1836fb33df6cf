import Content
import Feeds
import Foundation
import HTTPClient
import YAML

/// The checks that keep two sources from posting one file or one feed entry twice.
///
/// Two directory sources that read the same folder with the same `include` and `exclude`, and two feed sources
/// with the same URL, are a configuration error. Folders that nest, or one folder read with other globs, may or
/// may not share files, so only a scan can tell: `DirectorySource` leaves a file that an earlier source reads to
/// that source.
package enum SourceOverlap {
    /// Returns `path` with symbolic links resolved when it exists, and standardized without a trailing slash
    /// otherwise.
    package static func realFolder(_ path: String) -> String {
        if let resolved = SourceFileLoader.realPath(path) { return resolved }
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        return standardized.count > 1 && standardized.hasSuffix("/") ? String(standardized.dropLast()) : standardized
    }

    /// Returns the form of a resolved feed URL under which two spellings of one feed compare equal. A file URL
    /// becomes its real path. An http or https URL gets its scheme and host in lower case and an empty path as `/`,
    /// and loses a default port and a fragment.
    package static func feedKey(_ url: String) -> String {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return url
        }
        if scheme == "file" {
            return "file://" + realFolder(components.percentEncodedPath.removingPercentEncoding ?? components.path)
        }
        components.scheme = scheme
        components.host = components.host?.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) {
            components.port = nil
        }
        if components.percentEncodedPath.isEmpty { components.percentEncodedPath = "/" }
        components.fragment = nil
        return components.string ?? url
    }

    /// Returns the problem of each source in `sources`, resolved and in configuration order, that reads the same
    /// folder with the same globs, or the same feed, as an earlier one. `nodes` are the sources' YAML nodes, for
    /// the lines that the message names.
    static func repeatedSources(
        _ sources: [SourceConfiguration], nodes: [YAMLNode], path: String
    ) -> [ConfigurationError] {
        var firstByKey: [String: Int] = [:]
        var problems: [ConfigurationError] = []
        for (index, source) in sources.enumerated() {
            let key: String
            let sharedInput: String
            switch source.kind {
            case .directory(let folder, let include, let exclude):
                let real = realFolder(folder)
                let globs = [include, exclude].map { $0.sorted().joined(separator: "\n") }
                key = (["directory", real] + globs).joined(separator: "\u{0}")
                sharedInput =
                    "folder \(real) with the same include and exclude, so each file would get two posts; remove one "
                    + "of them, or give each its own files with include and exclude"
            case .feed(let url, _, _, _):
                let normalized = feedKey(url)
                // Without the password: the same account with another password reads the same entries, while
                // another user name may read others.
                var withoutPassword = URLComponents(string: normalized)
                withoutPassword?.percentEncodedPassword = nil
                key = "feed\u{0}" + (withoutPassword?.string ?? normalized)
                sharedInput =
                    "feed \(URLCredentials.redactingPassword(in: normalized)), so each entry would get two posts; "
                    + "remove one of them"
            }
            guard let first = firstByKey[key] else {
                firstByKey[key] = index
                continue
            }
            let firstLine = nodes[first].mark.line
            let line = nodes[index].mark.line
            problems.append(
                ConfigurationError(
                    path: path, at: nodes[index],
                    "sources \"\(sources[first].name)\" (line \(firstLine)) and \"\(source.name)\" (line \(line)) "
                        + "both read \(sharedInput)"))
        }
        return problems
    }

    /// A folder that an earlier directory source reads, with its globs, for `DirectorySource` to leave that
    /// source's files to it.
    package struct EarlierFolder: Sendable {
        package var source: String
        /// The folder's real path.
        package var root: String
        package var scanner: DirectoryScanner

        /// Tells whether the source reads the file at the real path `file`. Like `DirectoryScanner`, it leaves out
        /// names that start with `.`.
        func reads(_ file: String) -> Bool {
            guard file.hasPrefix(root == "/" ? "/" : root + "/") else { return false }
            let relative = String(file.dropFirst(root == "/" ? 1 : root.count + 1))
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { return false }
            return scanner.reaches(relative)
        }
    }

    /// Returns, for each directory source by name, the earlier directory sources whose folder contains its folder
    /// or lies inside it, so that the two may read the same files.
    package static func earlierFolders(_ configuration: Configuration) -> [String: [EarlierFolder]] {
        var seen: [EarlierFolder] = []
        var result: [String: [EarlierFolder]] = [:]
        for source in configuration.sources {
            guard case .directory(let path, let include, let exclude) = source.kind else { continue }
            let root = realFolder(path)
            result[source.name] = seen.filter { isWithin(root, $0.root) || isWithin($0.root, root) }
            seen.append(
                EarlierFolder(
                    source: source.name, root: root,
                    scanner: DirectoryScanner(root: root, include: include, exclude: exclude)))
        }
        return result
    }

    /// Returns a warning for each pair of directory sources whose folders are the same or nest and that read some of
    /// the same files now. It scans the later source's folder, so folders whose globs keep their files apart get no
    /// warning.
    package static func overlapWarnings(_ configuration: Configuration) -> [String] {
        var warnings: [String] = []
        let earlier = earlierFolders(configuration)
        for source in configuration.sources {
            guard case .directory(let path, let include, let exclude) = source.kind,
                let others = earlier[source.name], !others.isEmpty
            else { continue }
            let root = realFolder(path)
            let files = DirectoryScanner(root: root, include: include, exclude: exclude).scan().files
            for other in others {
                let shared = files.map { (root == "/" ? "" : root) + "/" + $0.relativePath }.filter(other.reads)
                guard let example = shared.first else { continue }
                let count = shared.count == 1 ? "1 file" : "\(shared.count) files"
                warnings.append(
                    "sources \"\(other.source)\" and \"\(source.name)\" read overlapping folders and share \(count), "
                        + "such as \(example): each is posted by \"\(other.source)\", the first in the configuration, "
                        + "and fails in \"\(source.name)\"; give each source its own files with include and exclude")
            }
        }
        return warnings
    }

    /// Tells whether the folder `inner` is `outer` or lies inside it.
    static func isWithin(_ inner: String, _ outer: String) -> Bool {
        inner == outer || outer == "/" || inner.hasPrefix(outer + "/")
    }
}
