import Foundation

/// A file found by `DirectoryScanner`, with what the engine compares before it reads and hashes the file again.
package struct ScannedFile: Sendable, Equatable {
    /// The path relative to the source root, with forward slashes.
    package var relativePath: String
    /// The size in bytes.
    package var size: Int
    package var modificationTime: Date

    package init(relativePath: String, size: Int, modificationTime: Date) {
        self.relativePath = relativePath
        self.size = size
        self.modificationTime = modificationTime
    }
}

/// Walks a source root and lists the files that match the include patterns and no exclude pattern.
///
/// Symbolic links are followed only when they resolve inside the root. Links that point outside it, and links that
/// loop, are reported as errors and not followed. A folder is visited once even when links reach it twice. Names
/// starting with `.` (such as `.git`) are left out, as Jekyll and Hugo leave them out.
package struct DirectoryScanner: Sendable {
    /// Markdown and HTML files, with the extension in any case, as Jekyll matches it: an export from Windows may
    /// name its files `POST.MD`.
    package static let defaultInclude = [
        "**/*.[mM][dD]", "**/*.[mM][aA][rR][kK][dD][oO][wW][nN]", "**/*.[hH][tT][mM][lL]", "**/*.[hH][tT][mM]",
    ]
    /// Folders nested deeper than this are reported and not entered.
    package static let maximumDepth = 64

    package let root: String
    package let include: [GlobPattern]
    package let exclude: [GlobPattern]

    package init(root: String, include: [String] = DirectoryScanner.defaultInclude, exclude: [String] = []) {
        self.root = root
        self.include = (include.isEmpty ? Self.defaultInclude : include).map(GlobPattern.init)
        self.exclude = exclude.map(GlobPattern.init)
    }

    /// Lists the matching files sorted by relative path, and the problems met on the way.
    package func scan() -> (files: [ScannedFile], errors: [ContentError]) {
        guard let resolvedRoot = SourceFileLoader.realPath(root) else {
            return (
                [],
                [
                    ContentError(
                        path: root, message: "cannot open the source folder: \(String(cString: strerror(errno)))")
                ]
            )
        }
        var files: [ScannedFile] = []
        var errors: [ContentError] = []
        var visited = Set<[UInt64]>()
        // Each listed file's device and inode, and whether a symbolic link reached it, to find a file listed twice.
        var fileIdentities: [String: (identity: [UInt64], isLink: Bool)] = [:]
        var pending: [(absolute: String, relative: String, depth: Int, viaLink: Bool)] = [(resolvedRoot, "", 0, false)]
        var rootStatus = stat()
        if stat(resolvedRoot, &rootStatus) == 0 {
            visited.insert([UInt64(rootStatus.st_dev), UInt64(rootStatus.st_ino)])
        }

        // Symlinked folders wait until every real folder is walked, so a folder reachable both ways is listed
        // under its real path, whatever order the folder entries come in.
        var linkedFolders: [(absolute: String, relative: String, depth: Int, viaLink: Bool)] = []
        while let folder = pending.popLast() ?? linkedFolders.popLast() {
            // A link back to the root is a second path to it like any other.
            if folder.relative != "" {
                var status = stat()
                guard stat(folder.absolute, &status) == 0 else { continue }
                guard visited.insert([UInt64(status.st_dev), UInt64(status.st_ino)]).inserted else {
                    errors.append(
                        ContentError(
                            path: folder.relative,
                            message: "symlink to a folder that is already scanned (a loop or a second path); "
                                + "not followed"))
                    continue
                }
            }
            guard let entries = Self.entries(of: folder.absolute) else {
                errors.append(
                    ContentError(
                        path: folder.relative.isEmpty ? "." : folder.relative,
                        message: "cannot open the folder: \(String(cString: strerror(errno)))"))
                continue
            }
            var subfolders: [(absolute: String, relative: String, depth: Int, viaLink: Bool)] = []
            for name in entries.sorted() where !name.hasPrefix(".") {
                let relative = folder.relative.isEmpty ? name : folder.relative + "/" + name
                let absolute = folder.absolute + "/" + name
                var status = stat()
                guard lstat(absolute, &status) == 0 else {
                    errors.append(
                        ContentError(path: relative, message: "cannot read: \(String(cString: strerror(errno)))"))
                    continue
                }
                var target = absolute
                let isLink = status.st_mode & S_IFMT == S_IFLNK
                if isLink {
                    switch Self.followLink(absolute, root: resolvedRoot) {
                    case .success(let resolved):
                        target = resolved
                        _ = stat(resolved, &status)
                    case .failure(let message):
                        if !isExcluded(relative) { errors.append(ContentError(path: relative, message: message)) }
                        continue
                    }
                }
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    guard !isExcluded(relative) && !isExcluded(relative + "/") else { continue }
                    guard folder.depth < Self.maximumDepth else {
                        errors.append(
                            ContentError(
                                path: relative,
                                message: "folder nested deeper than \(Self.maximumDepth) levels; not entered"))
                        continue
                    }
                    if isLink {
                        linkedFolders.insert((target, relative, folder.depth + 1, true), at: 0)
                    } else {
                        subfolders.append((target, relative, folder.depth + 1, folder.viaLink))
                    }
                case S_IFREG:
                    guard isIncluded(relative), !isExcluded(relative) else { continue }
                    let seconds = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1_000_000_000
                    fileIdentities[relative] = (
                        [UInt64(status.st_dev), UInt64(status.st_ino)], isLink || folder.viaLink
                    )
                    files.append(
                        ScannedFile(
                            relativePath: relative, size: Int(status.st_size),
                            modificationTime: Date(timeIntervalSince1970: seconds)))
                default:
                    continue
                }
            }
            pending.append(contentsOf: subfolders.reversed())
        }
        files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        let secondPaths = Self.secondPaths(of: files.map(\.relativePath), identities: fileIdentities)
        if !secondPaths.isEmpty {
            files.removeAll { secondPaths[$0.relativePath] != nil }
            for (path, readPath) in secondPaths {
                errors.append(
                    ContentError(
                        path: path,
                        message:
                            "a second path to file \(readPath) (a symbolic or hard link), so it is not read and the "
                            + "file gets one post; add this path to the source's exclude"))
            }
        }
        errors.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return (files, errors)
    }

    /// Maps each path that names the same file as another listed path to the path that is read instead: the one
    /// reached without a symbolic link, else the first in sorted order.
    private static func secondPaths(
        of paths: [String], identities: [String: (identity: [UInt64], isLink: Bool)]
    ) -> [String: String] {
        var byFile: [[UInt64]: [String]] = [:]
        for path in paths {
            if let entry = identities[path] { byFile[entry.identity, default: []].append(path) }
        }
        var result: [String: String] = [:]
        for group in byFile.values where group.count > 1 {
            let readPath = group.first { identities[$0]?.isLink == false } ?? group[0]
            for path in group where path != readPath { result[path] = readPath }
        }
        return result
    }

    /// Tells whether a file at `path`, relative to the root, matches an include pattern and no exclude pattern.
    package func takes(_ path: String) -> Bool {
        isIncluded(path) && !isExcluded(path)
    }

    /// Tells whether a scan lists the file at `path`, relative to the root: `takes(path)`, and no folder on the way
    /// matches an exclude pattern, since a scan does not enter such a folder.
    package func reaches(_ path: String) -> Bool {
        guard takes(path) else { return false }
        let folders = path.split(separator: "/").dropLast()
        var folder = ""
        for name in folders {
            folder = folder.isEmpty ? String(name) : folder + "/" + name
            if isExcluded(folder) || isExcluded(folder + "/") { return false }
        }
        return true
    }

    private func isIncluded(_ path: String) -> Bool {
        include.contains { $0.matches(path) }
    }

    private func isExcluded(_ path: String) -> Bool {
        exclude.contains { $0.matches(path) }
    }

    private static func entries(of folder: String) -> [String]? {
        guard let directory = opendir(folder) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        // glibc packs entries to their own length, so copying `entry.pointee` whole can read past the end of its
        // buffer and crash. That is why the name is read in place.
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(directory) {
            let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private enum LinkResult {
        case success(String)
        case failure(String)
    }

    private static func followLink(_ path: String, root: String) -> LinkResult {
        guard let resolved = SourceFileLoader.realPath(path) else {
            if errno == ELOOP { return .failure("symlink loop; not followed") }
            return .failure("broken symlink: \(String(cString: strerror(errno))); not followed")
        }
        guard resolved == root || resolved.hasPrefix(root == "/" ? "/" : root + "/") else {
            return .failure("symlink points outside the source root, to \(resolved); not followed")
        }
        return .success(resolved)
    }
}
