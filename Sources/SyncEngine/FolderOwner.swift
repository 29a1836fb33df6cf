import Foundation

/// The owner of a state folder, to whom files that a command run as root creates there are given.
///
/// A service runs as its own user, while a person may run `sync` or `forget` by hand as root. Files that root
/// creates in the service's state folder would then be root's, and the service could not write them. SQLite gives
/// the side files it creates the database file's owner, so the database file needs the right owner first.
enum FolderOwner {
    /// Gives each of `paths` that exists to the owner of `folder`, when this process runs as root and another user
    /// owns the folder. A failure leaves the file as it is, because the permission checks then name it.
    static func giveFiles(_ paths: [String], in folder: String) {
        guard let owner = nonRootOwner(of: [folder]) else { return }
        for path in paths where FileManager.default.fileExists(atPath: path) {
            _ = chown(path, owner.user, owner.group)
        }
    }

    /// Returns the owner of the first of `paths` that exists, an empty path meaning the working folder, when this
    /// process runs as root and that owner is another user. Returns nil otherwise.
    static func nonRootOwner(of paths: [String]) -> (user: uid_t, group: gid_t)? {
        guard geteuid() == 0 else { return nil }
        var status = stat()
        guard paths.contains(where: { stat($0.isEmpty ? "." : $0, &status) == 0 }), status.st_uid != 0 else {
            return nil
        }
        return (status.st_uid, status.st_gid)
    }
}
