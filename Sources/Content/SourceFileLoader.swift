import Foundation

/// Reads a file under a source root as UTF-8 text, with the safety checks that directory sources need.
package struct SourceFileLoader {
    /// The source root with symlinks resolved.
    let resolvedRoot: String
    let maximumFileSize: Int

    init(root: String, maximumFileSize: Int) {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        resolvedRoot = Self.realPath(absolute) ?? absolute
        self.maximumFileSize = maximumFileSize
    }

    /// Returns `path` with its symbolic links resolved, or nil when it does not exist.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Checks that `relativePath` stays inside the root and returns the absolute path, symlinks resolved.
    func resolve(_ relativePath: String) throws(ContentError) -> String {
        let components = relativePath.split(separator: "/")
        guard !relativePath.hasPrefix("/"), !components.contains(".."), !components.isEmpty else {
            throw ContentError(
                path: relativePath, message: "the path must be relative to the source root and must not contain ..")
        }
        let path = resolvedRoot + "/" + relativePath
        guard let resolved = Self.realPath(path) else {
            let code = errno
            if code == ELOOP {
                throw ContentError(path: relativePath, message: "symlink loop; the file is not followed")
            }
            throw ContentError(path: relativePath, message: "cannot open the file: \(String(cString: strerror(code)))")
        }
        guard resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot == "/" ? "/" : resolvedRoot + "/") else {
            throw ContentError(
                path: relativePath,
                message: "symlink points outside the source root, to \(resolved); it is not followed")
        }
        return resolved
    }

    /// Reads the file as text, with a leading byte order mark removed and CRLF line ends made LF.
    func loadText(_ relativePath: String) throws(ContentError) -> String {
        let path = try resolve(relativePath)
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ContentError(path: relativePath, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw ContentError(path: relativePath, message: "not a regular file; exclude it from the source")
        }
        guard Int(status.st_size) <= maximumFileSize else {
            throw ContentError(
                path: relativePath,
                message: "file is \(status.st_size) bytes, larger than the limit of \(maximumFileSize) bytes; "
                    + "raise the limit or exclude the file")
        }
        let bytes = try readBytes(path, relativePath: relativePath)
        return try Self.decode(bytes, relativePath: relativePath)
    }

    private func readBytes(_ path: String, relativePath: String) throws(ContentError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ContentError(path: relativePath, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ContentError(
                    path: relativePath, message: "cannot read the file: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            // The size was checked before, but the file may grow while it is read.
            if bytes.count > maximumFileSize {
                throw ContentError(
                    path: relativePath,
                    message: "file is larger than the limit of \(maximumFileSize) bytes; raise the limit or exclude "
                        + "the file")
            }
        }
        return bytes
    }

    /// Decodes UTF-8, rejecting binary data and invalid sequences with the position of the first bad byte.
    static func decode(_ bytes: [UInt8], relativePath: String) throws(ContentError) -> String {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw ContentError(
                path: relativePath, line: 1, column: 1,
                message: "file is encoded as UTF-16; save it as UTF-8")
        }
        if !bytes.contains(0), var text = String(validating: bytes, as: UTF8.self) {
            return normalizedLineEnds(&text)
        }
        var line = 1
        var column = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\0" {
                    throw ContentError(
                        path: relativePath, line: line, column: column,
                        message: "binary file (contains a NUL byte), not text; exclude it from the source")
                }
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                scalars.append(scalar)
            case .emptyInput:
                break decoding
            case .error:
                throw ContentError(
                    path: relativePath, line: line, column: column,
                    message: "invalid UTF-8; save the file as UTF-8 or exclude it from the source")
            }
        }
        var text = String(scalars)
        return normalizedLineEnds(&text)
    }

    /// Removes a leading byte order mark and turns CRLF and lone CR line ends into LF.
    private static func normalizedLineEnds(_ text: inout String) -> String {
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        if text.utf8.contains(UInt8(ascii: "\r")) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        return text
    }
}
