import Foundation
import Glibc

/// A temporary folder, deleted with everything in it by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "daemon-tests-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        // Resolve links such as /tmp -> /private/tmp so paths compare equal.
        path = URL(fileURLWithPath: String(cString: created)).resolvingSymlinksInPath().path
    }

    func url(_ relative: String) -> URL { URL(fileURLWithPath: path + "/" + relative) }

    func write(_ relative: String, _ text: String) throws {
        try text.write(to: url(relative), atomically: false, encoding: .utf8)
    }

    func makeFolder(_ relative: String) throws {
        try FileManager.default.createDirectory(at: url(relative), withIntermediateDirectories: true)
    }

    func move(_ from: String, _ to: String) throws {
        guard rename(path + "/" + from, path + "/" + to) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(at: url(relative))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
