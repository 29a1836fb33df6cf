import Foundation

@testable import Content

/// The repository checkout, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A temporary source folder that removes itself when the test ends.
final class TemporarySource {
    let root: String

    init() throws {
        let path = NSTemporaryDirectory() + "content-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        root = SourceFileLoader.realPath(path) ?? path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Writes `text` to `relativePath`, creating folders as needed.
    func write(_ relativePath: String, _ text: String) throws {
        try write(relativePath, bytes: Array(text.utf8))
    }

    func write(_ relativePath: String, bytes: [UInt8]) throws {
        let path = root + "/" + relativePath
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    func link(_ relativePath: String, to destination: String) throws {
        let path = root + "/" + relativePath
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: destination)
    }

    func reader(_ options: ContentReaderOptions = .init()) -> ContentReader {
        ContentReader(root: root, options: options)
    }
}

extension ContentReadResult {
    var item: ContentItem? {
        if case .item(let item) = self { item } else { nil }
    }

    var skipReason: String? {
        if case .skipped(_, let reason) = self { reason } else { nil }
    }
}

/// Reads `relativePath` and returns the error it throws, or `nil` when it reads.
func readError(_ reader: ContentReader, _ relativePath: String) -> ContentError? {
    do {
        _ = try reader.read(relativePath: relativePath)
        return nil
    } catch {
        return error
    }
}
