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
    package init(statePath: String) throws {
        path = statePath + ".lock"
        let directory = parentFolder(of: path)
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            // A folder that this user may not write, or that cannot exist, stays so until a person changes it.
            if [EACCES, EPERM, EROFS, ENOTDIR, EISDIR, ENOENT].contains(code) {
                throw StateLockError.inaccessible(path: path, reason: reason)
            }
            throw StateLockError.unavailable(path: path, reason: reason)
        }
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
        case .inaccessible(let path, let reason):
            return "cannot create the lock file \(path): \(reason); make its folder writable for this user, or "
                + "change the state setting to a folder that is"
        }
    }
}
