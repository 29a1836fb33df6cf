import Foundation
import Logging
import Testing

@testable import SyncEngine

/// Errors for a token that cannot be read, which name where it was looked for and why it was not found there.
@Suite struct TokenReaderTests {
    func failure(file: String, in folder: URL) -> String {
        let source = TokenSource(file: file, environmentVariable: nil, credential: nil)
        do {
            let token = try TokenReader.read(
                source, configurationPath: folder.appendingPathComponent("planable-sync.yaml").path,
                logger: Logger(label: "test", destination: .none))
            return "read a token of \(token.count) characters"
        } catch {
            return "\(error)"
        }
    }

    @Test func unreadableTokenFilesSayWhy() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "\n".write(to: folder.appendingPathComponent("empty"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try Data([0x70, 0x6C, 0x6E, 0x5F, 0xFF]).write(to: folder.appendingPathComponent("binary"))

        let missing = failure(file: "missing", in: folder)
        #expect(missing.contains("no API token found"), "\(missing)")
        #expect(missing.contains("/missing (missing)"), "\(missing)")
        let empty = failure(file: "empty", in: folder)
        #expect(empty.contains("/empty is empty; put the API token"), "\(empty)")
        let directory = failure(file: "folder", in: folder)
        #expect(directory.contains("/folder (a folder)"), "\(directory)")
        let binary = failure(file: "binary", in: folder)
        #expect(binary.contains("/binary (not UTF-8 text)"), "\(binary)")
    }
}
