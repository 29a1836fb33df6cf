import Foundation
import Logging
import Testing

@testable import SyncEngine

/// Errors for a token that cannot be read, which name where it was looked for and why it was not found there.
@Suite struct TokenReaderTests {
    func failure(file: String, in folder: URL) -> String {
        failure(
            TokenSource(file: file, environmentVariable: nil, credential: nil),
            configurationPath: folder.appendingPathComponent("planable-sync.yaml").path)
    }

    func failure(_ source: TokenSource, configurationPath: String) -> String {
        do {
            let token = try TokenReader.read(
                source, configurationPath: configurationPath, logger: Logger(label: "test", destination: .none))
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

    /// A relative token_file of a configuration named by a relative path is reported by its absolute path.
    @Test func relativeTokenFileShowsAbsolutePath() {
        let name = "tokn-\(UUID().uuidString)"
        let message = failure(
            TokenSource(file: name, environmentVariable: nil, credential: nil),
            configurationPath: "planable-sync.yaml")
        let expected = FileManager.default.currentDirectoryPath + "/" + name
        #expect(message.contains("Looked in file \(expected) (missing)"), "\(message)")
    }

    /// Outside systemd the credential is missing, so the error explains how to run by hand, and a token_file
    /// set beside the credential is read.
    @Test func credentialOutsideSystemd() throws {
        guard ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"] == nil else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configurationPath = folder.appendingPathComponent("planable-sync.yaml").path

        let credentialOnly = TokenSource(file: nil, environmentVariable: nil, credential: "planable-token")
        let message = failure(credentialOnly, configurationPath: configurationPath)
        #expect(message.contains("CREDENTIALS_DIRECTORY is not set, so this command runs outside"), "\(message)")
        #expect(message.contains("also set token_file"), "\(message)")
        #expect(message.contains("systemd-run --pipe --wait -p LoadCredential=planable-token:FILE"), "\(message)")
        #expect(!message.contains("Create a token"), "\(message)")

        let token = "pln_" + String(repeating: "ab", count: 16)
        try token.write(to: folder.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let withFile = TokenSource(file: "token", environmentVariable: nil, credential: "planable-token")
        let read = try TokenReader.read(
            withFile, configurationPath: configurationPath, logger: Logger(label: "test", destination: .none))
        #expect(read == token)
    }
}
