import Foundation
import Logging

/// The `PLANABLE_SYNC_*` environment variables that change a setting, checked before a command runs so that an
/// invalid value stops it, as the same value in the configuration file does, instead of leaving the default in
/// force. An empty value counts as unset.
enum EnvironmentSettings {
    /// The variables, each with a check that returns nil for a valid value or the rule that it breaks.
    static let checks: [(variable: String, problem: @Sendable (String) -> String?)] = [
        ("PLANABLE_SYNC_API_TIMEOUT", { positiveSeconds($0, example: "30") }),
        ("PLANABLE_SYNC_WATCHDOG_STALL_SECONDS", { positiveSeconds($0, example: "600") }),
        (
            "PLANABLE_SYNC_LOG_LEVEL",
            { LogLevel(name: $0) == nil ? "must be one of \(LogLevel.nameList)" : nil }
        ),
        (
            "PLANABLE_SYNC_LOG_FORMAT",
            { $0 == "json" ? nil : "must be json for JSON lines, or unset for text lines or the systemd journal" }
        ),
    ]

    /// Checks every variable of `checks` in `environment`.
    ///
    /// - Throws: `EnvironmentError` naming each variable whose value is invalid.
    static func validate(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var problems: [String] = []
        for (variable, problem) in checks {
            guard let value = environment[variable], !value.isEmpty, let rule = problem(value) else { continue }
            problems.append("environment variable \(variable) \(rule), not \"\(value)\"; fix or unset it")
        }
        if !problems.isEmpty { throw EnvironmentError(problems: problems) }
    }

    private static func positiveSeconds(_ value: String, example: String) -> String? {
        guard let seconds = Double(value), seconds.isFinite, seconds > 0 else {
            return "must be a positive number of seconds, such as \(example)"
        }
        return nil
    }
}

/// Environment variables with invalid values, which stop a command with a configuration error.
struct EnvironmentError: Error, CustomStringConvertible {
    var problems: [String]

    var description: String { problems.joined(separator: "\n") }
}
