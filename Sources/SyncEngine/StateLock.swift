import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on one state database, held by `run` and `sync` so two processes never work on it at once.
///
/// The lock is `flock` on a file beside the database, so the kernel drops it when the process dies, even by
/// SIGKILL, and a stale lock never blocks the next run.
package final class StateLock {
    package let path: String
    private var descriptor: Int32

    /// Takes the lock for the state at `statePath`, without waiting.
    ///
    /// - Throws: `StateLockError.held` when another process has it.
    /// Returns why the missing `folder` could not be created, naming the nearest folder above it that exists, when
    /// this user may not write that one. Returns nil when `folder` exists or the cause is another.
    private static func missingFolderReason(_ folder: String) -> String? {
        guard !folder.isEmpty, access(folder, F_OK) != 0 else { return nil }
        let existing = FolderAccess.nearestExisting(folder)
        guard access(existing, W_OK | X_OK) != 0 else { return nil }
        return "the folder \(folder) does not exist, and this user cannot create it in \(existing) "
            + "(\(String(cString: strerror(errno))))"
    }

    package init(statePath: String) throws {
        path = statePath + ".lock"
        let directory = parentFolder(of: path)
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let existed = access(path, F_OK) == 0
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            var status = stat()
            if existed && (code == EACCES || code == EPERM) && stat(path, &status) == 0 {
                throw StateLockError.fileNotWritable(path: path, ownerId: status.st_uid, reason: reason)
            }
            // A folder that this user may not write, or that cannot exist, stays so until a person changes it.
            if [EACCES, EPERM, EROFS, ENOTDIR, EISDIR, ENOENT].contains(code) {
                throw StateLockError.inaccessible(
                    path: path, reason: code == ENOENT ? Self.missingFolderReason(directory) ?? reason : reason)
            }
            throw StateLockError.unavailable(path: path, reason: reason)
        }
        if !existed { Self.giveToStateOwner(descriptor, statePath: statePath, folder: directory) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines)
            close(descriptor)
            throw StateLockError.held(path: path, holder: holder?.isEmpty == false ? holder : nil)
        }
        let note = "pid \(getpid())\n"
        ftruncate(descriptor, 0)
        _ = note.withCString { write(descriptor, $0, strlen($0)) }
    }

    deinit {
        release()
    }

    /// Gives a lock file that root created to the owner of the state database, or of its folder before the first
    /// run, as SQLite does with the files it creates beside a database. Without it, a `sync` or `forget` run by
    /// hand as root leaves a lock file that the service's user may not open, and the service stops with exit 78.
    private static func giveToStateOwner(_ descriptor: Int32, statePath: String, folder: String) {
        guard let owner = FolderOwner.nonRootOwner(of: [statePath, folder]) else { return }
        _ = fchown(descriptor, owner.user, owner.group)
    }

    package func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}

package enum StateLockError: Error, CustomStringConvertible {
    case held(path: String, holder: String?)
    case unavailable(path: String, reason: String)
    /// The lock file cannot be created because of the folder's permissions or path, which a retry does not fix.
    case inaccessible(path: String, reason: String)
    /// The lock file exists, but this user may not open it for writing, as when root created it.
    case fileNotWritable(path: String, ownerId: uid_t, reason: String)
    /// Another process, such as a reference server started on it, holds the embedded server's database.
    case embeddedDatabaseInUse(path: String)

    package var description: String {
        switch self {
        case .held(let path, let holder):
            let who = holder.map { " (\($0))" } ?? ""
            return "another planable-sync process\(who) is using this state database (lock \(path)); "
                + "wait for it to finish, or stop the other process, such as the daemon, and run this command again"
        case .unavailable(let path, let reason):
            return "cannot create the lock file \(path): \(reason)"
        case .embeddedDatabaseInUse(let path):
            return "another process holds the embedded server's database \(path), such as a reference server "
                + "started on that file; stop it, or read the posts through the API it serves, and run again"
        case .fileNotWritable(let path, let ownerId, let reason):
            let owner = getpwuid(ownerId).map { String(cString: $0.pointee.pw_name) } ?? "uid \(ownerId)"
            return "cannot open the lock file \(path), which belongs to \(owner) (\(reason)). While no planable-sync "
                + "process runs on this state, delete the file or give it to this user with chown"
        case .inaccessible(let path, let reason):
            return "cannot create the lock file \(path): \(reason); make its folder writable for this user, or "
                + "change the state setting to a folder that is"
        }
    }
}
