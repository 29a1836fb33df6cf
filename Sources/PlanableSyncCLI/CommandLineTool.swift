import Feeds
import Foundation
import Logging
import PlanableAPI
import PlanableReference
import SyncEngine

/// The root command: picks the subcommand and maps every error to its exit code and a one-line message.
enum CommandLineTool {
    static func main(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            FileHandle.standardError.write(Data((usageText + "\n").utf8))
            return ExitCode.usage.rawValue
        }
        let rest = Array(arguments.dropFirst())
        // `planable-sync sync --help` and the like print the one help text, which covers every command but
        // `reference` and `feed inspect`, whose options their own help lists.
        if command != "reference" && command != "feed" && (rest.contains("--help") || rest.contains("-h")) {
            FileHandle.standardOutput.write(Data((usageText + "\n").utf8))
            return ExitCode.success.rawValue
        }
        do {
            switch command {
            case "sync":
                return try SyncCommand.run(rest, planOnly: false).rawValue
            case "plan":
                return try SyncCommand.run(rest, planOnly: true).rawValue
            case "status":
                return try StatusCommand.run(rest).rawValue
            case "forget":
                return try ForgetCommand.run(rest).rawValue
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
                FileHandle.standardOutput.write(Data((usageText + "\n").utf8))
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

    /// The exit code and message for an error that ended a command.
    static func classify(_ error: any Error) -> (ExitCode, String) {
        switch error {
        case let error as UsageError:
            return (.usage, error.description)
        case let error as ForgetCommand.Failure:
            return (error.code, error.description)
        case let error as ConfigurationError:
            return (.configurationError, error.description)
        case let error as MappingError:
            return (error.isConfigurationError ? .configurationError : .dataError, error.description)
        case let error as SourceError:
            return (error.isDataError ? .dataError : .temporaryFailure, error.description)
        case let error as WriteDeniedError:
            return (.configurationError, error.description)
        case let error as StateLockError:
            if case .inaccessible = error { return (.configurationError, error.description) }
            return (.temporaryFailure, error.description)
        case let error as StateError:
            switch error {
            case .corrupt: return (.dataError, error.description)
            case .newerSchema, .inaccessible: return (.configurationError, error.description)
            case .unavailable: return (.temporaryFailure, error.description)
            }
        case let error as PlanableAPIError:
            switch error {
            case .api(let status, _, _, _, _) where status == 401:
                return (
                    .configurationError,
                    "\(error.description); the configuration's api token_file, token_env or token_credential "
                        + "names the token"
                )
            case .api(let status, _, _, _, _) where status == 403:
                return (.configurationError, "\(error.description); sync needs a write token that covers the workspace")
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
