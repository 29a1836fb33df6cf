import Foundation
import Logging

/// Reads the API token from a systemd credential, a file or an environment variable, in that order.
///
/// Errors and warnings name where the token was looked for, never the token.
package enum TokenReader {
    package static func read(_ source: TokenSource, configurationPath: String, logger: Logger) throws -> String {
        try locate(source, configurationPath: configurationPath, logger: logger).token
    }

    /// Reads the token as `read` does, and returns it with the setting that it came from.
    package static func locate(
        _ source: TokenSource, configurationPath: String, logger: Logger
    ) throws -> (token: String, origin: TokenOrigin) {
        let environment = ProcessInfo.processInfo.environment
        var tried: [String] = []
        if let credential = source.credential {
            if let directory = environment["CREDENTIALS_DIRECTORY"] {
                let path = (directory as NSString).appendingPathComponent(credential)
                if let token = try? readFile(path) {
                    return (try validated(token, from: "credential \(credential)"), .credential(credential))
                }
                tried.append("credential \(credential) in \(directory) (\(unreadableReason(path)))")
            } else {
                tried.append(
                    "credential \(credential) (CREDENTIALS_DIRECTORY is not set, so this command runs outside a "
                        + "systemd service, which is where credentials are passed)")
            }
        }
        if let file = source.file {
            let path = absolutePath(file, relativeTo: parentFolder(of: configurationPath))
            if let token = try? readFile(path) {
                warnIfShared(path, logger: logger)
                return (try validated(token, from: "file \(path)"), .file(path))
            }
            tried.append("file \(path) (\(unreadableReason(path)))")
        }
        if let variable = source.environmentVariable {
            if let token = environment[variable], !token.isEmpty {
                return (try validated(token, from: "environment variable \(variable)"), .environmentVariable(variable))
            }
            tried.append("environment variable \(variable) (not set)")
        }
        var message = "\(configurationPath): no API token found. Looked in \(tried.joined(separator: ", ")). "
        if let credential = source.credential, environment["CREDENTIALS_DIRECTORY"] == nil {
            // Run by hand, check and plan cannot see the unit, whose LoadCredential= names the token file.
            message +=
                "To run by hand, also set token_file to the token file that the unit's LoadCredential= loads "
                + "(it is read after the credential), run the command with systemd-run --pipe --wait -p "
                + "LoadCredential=\(credential):FILE, or set CREDENTIALS_DIRECTORY to a folder that holds the "
                + "token in a file named \(credential). Without a token, create one in Planable's settings"
        } else {
            message += "Create a token in Planable's settings and put it there"
        }
        throw MappingError(message, isConfigurationError: true)
    }

    /// Returns `path` made absolute against `folder`, and against the working folder when `folder` is relative.
    static func absolutePath(_ path: String, relativeTo folder: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var base = folder
        if !base.hasPrefix("/") {
            let current = FileManager.default.currentDirectoryPath
            base = base.isEmpty ? current : current + "/" + base
        }
        return URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }

    private static func readFile(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Describes why the file at `path` could not be read as text.
    private static func unreadableReason(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "missing" }
        if isDirectory.boolValue { return "a folder" }
        if !FileManager.default.isReadableFile(atPath: path) { return "not readable by this user" }
        return "not UTF-8 text"
    }

    private static func validated(_ raw: String, from place: String) throws -> String {
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw MappingError(
                "the \(place) is empty; put the API token from Planable's settings in it", isConfigurationError: true)
        }
        guard token.hasPrefix("pln_"), !token.contains(where: { $0.isWhitespace }) else {
            throw MappingError(
                "the token in \(place) is not a Planable API token (tokens start with pln_ and have no spaces)",
                isConfigurationError: true)
        }
        return token
    }

    /// Warns once when other users can read the token file.
    private static func warnIfShared(_ path: String, logger: Logger) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = attributes[.posixPermissions] as? Int
        else { return }
        if permissions & 0o077 != 0 {
            logger.warning(
                "token file is readable by other users; run chmod 600 on it",
                ["token.file": path, "token.mode": String(permissions, radix: 8)])
        }
    }
}

/// The setting of the configuration's `api` mapping that the token was read from, for messages about a token that
/// the API rejects. It names the file, variable or credential, never the token.
package enum TokenOrigin: Sendable, Equatable, CustomStringConvertible {
    /// `token_credential`, with the credential's name.
    case credential(String)
    /// `token_file`, with the file's absolute path.
    case file(String)
    /// `token_env`, with the variable's name.
    case environmentVariable(String)

    package var description: String {
        switch self {
        case .credential(let name):
            "the systemd credential \(name), which the configuration's api token_credential names"
        case .file(let path): "the file \(path), which the configuration's api token_file names"
        case .environmentVariable(let name):
            "the environment variable \(name), which the configuration's api token_env names"
        }
    }
}
