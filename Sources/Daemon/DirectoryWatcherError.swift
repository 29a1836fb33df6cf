import Glibc

/// A failure to watch a folder: the root at start, or a folder that appeared later.
package struct DirectoryWatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder, relative to the root (empty for the root itself), or the root's absolute path for the root.
    package var path: String
    package var message: String
    /// The `errno` value of the failed call, or 0.
    package var code: Int32

    package init(path: String, message: String, code: Int32 = 0) {
        self.path = path
        self.message = message
        self.code = code
    }

    /// Builds the error for a failed system call from the current `errno`, with advice for the common causes.
    static func systemCall(_ call: String, path: String, code: Int32 = errno) -> DirectoryWatcherError {
        var message = "\(call) failed: \(String(cString: strerror(code)))"
        switch code {
        case ENOSPC:
            message += "; the inotify watch limit is reached, raise fs.inotify.max_user_watches with sysctl"
        case EMFILE:
            message += "; too many inotify instances, raise fs.inotify.max_user_instances with sysctl"
        case EACCES:
            message += "; give the service user read and execute permission on the folder"
        default:
            break
        }
        return DirectoryWatcherError(path: path, message: message, code: code)
    }

    package var description: String {
        "cannot watch \(path.isEmpty ? "the root folder" : "\"\(path)\""): \(message)"
    }
}
