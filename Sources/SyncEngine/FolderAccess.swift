import Foundation

/// Whether this process can list a directory source's folder, tested before a scan so that a folder it may not
/// read is not taken for an empty one.
package enum FolderAccess: Equatable, Sendable {
    case readable
    /// The path does not exist or is not a folder.
    case missing
    /// The folder exists, but the effective user may not list it or open its entries, or may not reach it through
    /// a folder above it. `reason` is the system's message, such as "Permission denied".
    case unreadable(reason: String)

    /// Tests `path` for the effective user.
    ///
    /// Root passes every permission test, so a process running as root finds every existing folder readable.
    package static func of(_ path: String) -> FolderAccess {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .missing }
            return .unreadable(reason: String(cString: strerror(code)))
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { return .missing }
        // Listing the folder needs read permission, and reading the size and time of its entries needs search
        // (execute) permission.
        guard faccessat(AT_FDCWD, path, R_OK | X_OK, AT_EACCESS) == 0 else {
            return .unreadable(reason: String(cString: strerror(errno)))
        }
        return .readable
    }

    /// Returns the advice that follows the error for a folder that `user` cannot read.
    package static func fix(user: String) -> String {
        "give user \(user) read and search (r and x) permission on the folder, and search permission on each "
            + "folder above it"
    }

    /// Returns `folder` when it exists, else the nearest folder above it that exists, or the current folder for a
    /// relative path none of whose folders exists. That folder is where a missing `folder` would be created.
    package static func nearestExisting(_ folder: String) -> String {
        var existing = folder
        while !existing.isEmpty && existing != "/" && !FileManager.default.fileExists(atPath: existing) {
            existing = parentFolder(of: existing)
        }
        return existing.isEmpty ? FileManager.default.currentDirectoryPath : existing
    }

    /// The name of the effective user, or "with id N" when the user database has no name for it.
    package static var userName: String {
        let uid = geteuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "with id \(uid)" }
        return String(cString: name)
    }
}
