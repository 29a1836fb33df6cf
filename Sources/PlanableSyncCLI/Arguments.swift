import Logging

/// Exit codes, as sysexits.h defines them.
enum ExitCode: Int32 {
    case success = 0
    case usage = 64
    case dataError = 65
    case unavailable = 69
    case software = 70
    case temporaryFailure = 75
    case configurationError = 78
    /// A run stopped by SIGINT, 128 plus the signal's number, as a shell reports it.
    case interrupted = 130
    /// A run stopped by SIGTERM, 128 plus the signal's number.
    case terminated = 143
}

/// A command line that cannot be run as written.
struct UsageError: Error, CustomStringConvertible {
    var message: String

    var description: String { "\(message)\nRun `planable-sync help` for the commands and their options." }
}

/// The options every command shares, and the words left after them.
struct ParsedArguments {
    var configPath: String?
    var format = "text"
    var output: String?
    var logLevel: String?
    var dryRun = false
    var flags: Set<String> = []
    var values: [String: String] = [:]
    var positional: [String] = []

    /// Parses `arguments`; `valueOptions` lists the command's own options that take a value.
    init(_ arguments: [String], valueOptions: Set<String> = [], flagOptions: Set<String> = []) throws {
        var index = 0
        func value(for option: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw UsageError(message: "option \(option) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            var argument = arguments[index]
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                inlineValue = String(argument[argument.index(after: equals)...])
                argument = String(argument[..<equals])
            }
            func take() throws -> String {
                if let inlineValue { return inlineValue }
                return try value(for: argument)
            }
            switch argument {
            case "--config", "-c":
                configPath = try take()
            case "--format":
                format = try take()
                guard ["text", "json", "html"].contains(format) else {
                    throw UsageError(message: "--format must be text, json or html, not \"\(format)\"")
                }
            case "--output", "-o":
                output = try take()
            case "--log-level":
                let level = try take()
                guard LogLevel(name: level) != nil else {
                    throw UsageError(message: "--log-level must be one of \(LogLevel.nameList), not \"\(level)\"")
                }
                logLevel = level
            case "--dry-run":
                dryRun = true
            default:
                if valueOptions.contains(argument) {
                    values[argument] = try take()
                } else if flagOptions.contains(argument) {
                    flags.insert(argument)
                } else if argument.hasPrefix("-") && argument != "-" {
                    throw UsageError(message: "unknown option \(argument)")
                } else {
                    positional.append(argument)
                }
            }
            index += 1
        }
    }
}

let usageText = """
    planable-sync: feeds content folders and feeds into Planable as draft posts.

    Usage: planable-sync COMMAND [OPTIONS]

    Commands:
      sync       Sync every source once, then exit (for cron and timers). --dry-run is the same as plan.
                 --rebuild-state first rebuilds a missing or corrupt state database from the API's posts.
      plan       Print what sync would create or change, with the rendered text per page; sends no write.
      status     List the items the state knows, with their posts, approval and publication status, and the
                 files and feeds that could not be read.
      forget SOURCE/ITEM_ID ... | forget --source NAME
                 Remove items (as status lists them), or every record of a source, from the state database, so
                 the next sync creates their posts again as new ones. Their posts in Planable are left as they
                 are. Sends nothing to the API; --dry-run lists what would be removed.
      run        Run as a daemon: watch folders, poll feeds and follow post status until SIGTERM.
      check      Validate the configuration, the token, the pages it names and each source; warn of template
                 variables that are not standard.
      feed inspect PATH_OR_URL
                 Print a feed as planable-sync reads it.
      reference  Run the reference Planable API server on its own: --listen 127.0.0.1:PORT --database PATH
                 [--seed FILE] [--offline-media]; planable-sync reference --help describes them.
      help       Print this text.

    Options:
      --config PATH      The configuration file (default /etc/planable-sync/config.yaml, then ./planable-sync.yaml).
      --format FORMAT    Output format: text, json, or html (plan only).
      --output PATH      Write the report to PATH instead of standard output.
      --log-level LEVEL  trace, debug, info, notice, warning, error or critical (default info); logs go to
                         standard error.

    Exit codes: 0 success, 64 usage error, 65 bad input data, 69 API unavailable, 75 temporary failure
    (such as another run holding the state lock), 78 configuration error.
    """
