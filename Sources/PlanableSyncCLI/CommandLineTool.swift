import Feeds
import Foundation
import Logging
import PlanableAPI
import PlanableReference
import SyncEngine

/// The root command: picks the subcommand and maps every error to its exit code and a one-line message.
enum CommandLineTool {
    /// The version that `planable-sync --version` prints. Raise it for each release.
    static let version = "0.1.0"

    static func main(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            FileHandle.standardError.write(Data((usageText + "\n").utf8))
            return ExitCode.usage.rawValue
        }
        let rest = Array(arguments.dropFirst())
        if command == "--version" {
            FileHandle.standardOutput.write(Data("planable-sync \(version)\n".utf8))
            return ExitCode.success.rawValue
        }
        if let help = help(command: command, rest: rest) {
            FileHandle.standardOutput.write(Data((help + "\n").utf8))
            return ExitCode.success.rawValue
        }
        do {
            // `reference` and `feed inspect` read none of these variables.
            if !["reference", "feed", "help", "--help", "-h"].contains(command) { try EnvironmentSettings.validate() }
            switch command {
            case "sync":
                return try SyncCommand.run(rest, planOnly: false).rawValue
            case "plan":
                return try SyncCommand.run(rest, planOnly: true).rawValue
            case "status":
                return try StatusCommand.run(rest).rawValue
            case "forget":
                return try ForgetCommand.run(rest).rawValue
            case "post":
                return try PostCommand.run(rest).rawValue
            case "check":
                return try CheckCommand.run(rest).rawValue
            case "run":
                return try DaemonCommand.run(rest).rawValue
            case "reference":
                return runReferenceCommand(arguments: rest)
            case "feed":
                guard rest.first == "inspect" else {
                    throw UsageError(message: "usage: planable-sync feed inspect PATH_OR_URL")
                }
                return runFeedInspectCommand(arguments: Array(rest.dropFirst()))
            case "help", "--help", "-h":
                guard rest.count <= 1 else { throw UsageError(message: "help takes at most one command") }
                if let name = rest.first, !["help", "--help", "-h"].contains(name) {
                    guard let text = CommandHelp.text(for: name) else {
                        throw UsageError(message: "help: unknown command \"\(name)\"")
                    }
                    FileHandle.standardOutput.write(Data((text + "\n").utf8))
                } else {
                    FileHandle.standardOutput.write(Data((usageText + "\n").utf8))
                }
                return ExitCode.success.rawValue
            default:
                throw UsageError(message: "unknown command \"\(command)\"")
            }
        } catch {
            let (code, message) = classify(error)
            FileHandle.standardError.write(Data("planable-sync: \(message)\n".utf8))
            return code.rawValue
        }
    }

    /// Returns the help of `command` when `rest` contains `--help` or `-h`, and nil otherwise. For `feed`, a first
    /// argument `help` requests the help too.
    static func help(command: String, rest: [String]) -> String? {
        let asksForHelp = rest.contains("--help") || rest.contains("-h")
        if command == "feed" && (asksForHelp || rest.first == "help") { return CommandHelp.feed }
        guard asksForHelp else { return nil }
        return CommandHelp.text(for: command)
    }

    /// The exit code and message for an error that ended a command.
    ///
    /// - Parameter tokenOrigin: the setting that the token was read from, which the message of a 401 or 403
    ///   names.
    static func classify(_ error: any Error, tokenOrigin: TokenOrigin? = nil) -> (ExitCode, String) {
        let origin = tokenOrigin.map { "\($0)" }
        switch error {
        case let error as TokenRejectedError:
            return classify(error.error, tokenOrigin: error.origin)
        case let error as UsageError:
            return (.usage, error.description)
        case let error as ForgetCommand.Failure:
            return (error.code, error.description)
        case let error as ConfigurationError:
            return (.configurationError, error.description)
        case let error as EnvironmentError:
            return (.configurationError, error.description)
        case let error as MissingConfigurationError:
            return (.configurationError, error.description)
        case let error as MappingError:
            return (error.isConfigurationError ? .configurationError : .dataError, error.description)
        case let error as SourceError:
            return (error.isDataError ? .dataError : .temporaryFailure, error.description)
        case let error as WriteDeniedError:
            return (.configurationError, error.description + (origin.map { " The token was read from \($0)." } ?? ""))
        case let error as StateLockError:
            switch error {
            case .inaccessible, .fileNotWritable: return (.configurationError, error.description)
            default: break
            }
            return (.temporaryFailure, error.description)
        case let error as StateError:
            switch error {
            case .corrupt: return (.dataError, error.description)
            case .newerSchema, .inaccessible, .readOnly: return (.configurationError, error.description)
            case .unavailable: return (.temporaryFailure, error.description)
            }
        case let error as PlanableAPIError where error.showsWrongAPIURL:
            // A response without the API's error body already carries this hint.
            guard case .api = error else { return (.configurationError, error.description) }
            return (
                .configurationError,
                "\(error.description); check that the configuration's api url names Planable's API, such as "
                    + "https://api.planable.io/api/v1"
            )
        case let error as PlanableAPIError:
            switch error {
            case .api(let status, _, _, _, _) where status == 401:
                return (
                    .configurationError,
                    "\(error.description); "
                        + (origin.map { "the token was read from \($0)" }
                            ?? "the configuration's api token_file, token_env or token_credential names the token")
                )
            case .api(let status, _, _, _, _) where status == 403:
                return (
                    .configurationError,
                    "\(error.description); sync needs a write token that covers the workspace"
                        + (origin.map { ", and the token was read from \($0)" } ?? "")
                )
            case .transport, .invalidResponse:
                return (.unavailable, "the Planable API is unavailable: \(error.description)")
            case .api(let status, _, _, _, _) where status == 429 || status >= 500:
                return (.temporaryFailure, error.description)
            default:
                return (.unavailable, error.description)
            }
        default:
            return (.software, "\(error)")
        }
    }
}
