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

/// No `--config` was given and none of the default configuration files exists. It has no file to name, so its
/// message, unlike that of `ConfigurationError`, starts with no path.
struct MissingConfigurationError: Error, CustomStringConvertible {
    /// The default paths that were looked up, in order.
    var candidates: [String]
    /// The folder that relative candidates were looked up in.
    var currentDirectory: String

    var description: String {
        let looked = candidates.map { $0.hasPrefix("/") ? $0 : "./" + $0 }.joined(separator: " or ")
        return "no configuration found at \(looked) (current folder \(currentDirectory)); pass --config PATH"
    }
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
           planable-sync COMMAND --help
           planable-sync --version

    Commands:
      sync       Sync every source once, then exit (for cron and timers). --dry-run is the same as plan.
                 --rebuild-state first rebuilds a missing or corrupt state database from the API's posts.
      plan       Print what sync would create or change, with each post's text and fields per page; sends no
                 write.
      status     List the items the state knows, with their posts, approval and publication status, and the
                 files and feeds that could not be read.
      forget SOURCE/ITEM_ID ... | forget --source NAME
                 Remove items (as status lists them), or every record of a source, from the state database, so
                 the next sync creates their posts again as new ones. Their posts in Planable are left as they
                 are. Sends nothing to the API; --dry-run lists what would be removed.
      post SOURCE/ITEM_ID ...
                 Have the next sync create the posts of feed entries recorded without one (status baselined),
                 such as one held back as a possible known entry. --dry-run lists them and marks nothing.
      run        Run as a daemon: watch folders, poll feeds and follow post status until SIGTERM.
      check      Validate the configuration, the token, the pages it names and each source; warn of template
                 variables that are not standard.
      feed inspect PATH_OR_URL
                 Print a feed as planable-sync reads it.
      reference  Run the reference Planable API server on its own: --listen 127.0.0.1:PORT --database PATH
                 [--seed FILE] [--offline-media]; planable-sync reference --help describes them.
      help [COMMAND]
                 Print this text, or the help of COMMAND.

    Options:
      --config PATH      The configuration file (default /etc/planable-sync/config.yaml, then ./planable-sync.yaml).
      --format FORMAT    Output format: text, json, or html (plan only).
      --output PATH      Write the report to PATH instead of standard output.
      --log-level LEVEL  trace, debug, info, notice, warning, error or critical (default info); logs go to
                         standard error.
      --help, -h         Print the help of the command it follows.
      --version          Print the version of planable-sync.

    Exit codes: 0 success, 64 usage error, 65 bad input data, 69 API unavailable, 75 temporary failure
    (such as another run holding the state lock), 78 configuration error.
    """

/// The help of each command, which `planable-sync COMMAND --help` and `planable-sync help COMMAND` print.
enum CommandHelp {
    /// Returns the help of `command`, or nil for a command without help.
    static func text(for command: String) -> String? {
        switch command {
        case "reference": reference
        case "sync": sync
        case "plan": plan
        case "status": status
        case "forget": forget
        case "post": post
        case "run": run
        case "check": check
        case "feed": feed
        default: nil
        }
    }

    static let configurationOption = """
          --config PATH      The configuration file (default /etc/planable-sync/config.yaml, then
                             ./planable-sync.yaml).
        """

    static let logLevelOption = """
          --log-level LEVEL  trace, debug, info, notice, warning, error or critical. The default is the
                             configuration's log_level, else PLANABLE_SYNC_LOG_LEVEL, else info. Logs go to
                             standard error, or to the journal under systemd.
        """

    static let sync = """
        Usage: planable-sync sync [--config PATH] [--format text|json] [--output PATH] [--log-level LEVEL]
                                  [--rebuild-state] [--dry-run]

        Syncs every source once and exits, for cron and systemd timers. It creates a grouped draft post for each
        new item, updates the drafts of changed items, deletes the drafts of removed items when delete_drafts is
        true, and polls the status of followed posts at most every status_interval seconds (default 300).
        Then it prints a report with one line per item that changed, one line per post whose approval or state
        changed (or, when status_interval skipped the poll, when statuses were last read and are read next), and
        a summary line.

        Options:
        \(configurationOption)
          --format FORMAT    The report format: text (default) or json. html is for --dry-run only.
          --output PATH      Write the report to PATH instead of standard output. PATH is checked before anything
                             is sent, and a regular file is replaced whole.
        \(logLevelOption)
          --rebuild-state    Before the pass, rebuild a missing or corrupt state database from the posts that the
                             API lists. A corrupt file is moved aside to PATH.corrupt-TIME, and a sound one that
                             records items is rejected.
          --dry-run          Send no write and print the plan, as planable-sync plan does; html is then allowed.

        With --format json and no --output, a run that fails, or that a signal stops before it has a report,
        prints {"command", "error", "exitCode"} on standard output. SIGTERM or SIGINT stops the run after the
        request in flight, and a second one stops it at once.

        Exit codes: 0 success, 64 usage error, 65 an item could not be read or mapped (every other item still
        syncs), a duplicate post group was found, or the state database is corrupt, 69 API unavailable,
        75 temporary failure (another process holds the state lock, a feed could not be fetched or was cut off
        in transfer, the API rejected a write with a server error or a rate limit, or a source folder is
        missing, empty or lost more than max_removed_share of its files), 78 configuration error (including a
        token that may not write, or an api url that names another server), 130 stopped by SIGINT, 143 stopped
        by SIGTERM.
        """

    static let plan = """
        Usage: planable-sync plan [--config PATH] [--format text|json|html] [--output PATH] [--log-level LEVEL]

        Prints what sync would create, update or delete, item by item, with each post's pages, text, media and
        every field the create or update request would send, such as the schedule, labels, first comment and
        network titles. It reads the workspace, pages and labels through the API and sends no write. A missing
        state database stays missing, and the plan is that of a first sync.

        Options:
        \(configurationOption)
          --format FORMAT    text (default), json, or html: a self-contained page with one card per page,
                             styled after its network, with the character count against the network's limit.
          --output PATH      Write the plan to PATH instead of standard output.
        \(logLevelOption)

        Exit codes: 0 every item can be synced, 64 usage error, 65 an item could not be read or mapped, such
        as a text over a network's limit, 69 API unavailable, 75 temporary failure (a feed could not be
        fetched, or, with api: embedded, another process holds the embedded server's database), 78 configuration
        error, 130 stopped by SIGINT, 143 stopped by SIGTERM.
        """

    static let status = """
        Usage: planable-sync status [--config PATH] [--format text|json] [--output PATH] [--log-level LEVEL]

        Lists what the state database stores, without contacting the API: each item with its posts, their
        approval and publication status and last error, the files and feeds that could not be read, creates
        whose response was lost, duplicate post groups, the failure of the last run when it failed, and when
        the posts' statuses were last read. A missing state database means that no sync ran with this
        configuration.

        Options:
        \(configurationOption)
          --format FORMAT    text (default) or json.
          --output PATH      Write the listing to PATH instead of standard output.
        \(logLevelOption)

        Exit codes: 0 success, 64 usage error, 65 the state database is corrupt, 75 temporary failure, 78
        configuration error (such as a state database written by a newer version).
        """

    static let forget = """
        Usage: planable-sync forget [--config PATH] [--dry-run] SOURCE/ITEM_ID ...
               planable-sync forget [--config PATH] [--dry-run] --source NAME

        Removes items, or every record of a source, from the state database, so that the next sync treats them
        as new and creates their posts again. It removes the items' rows, their post records, read failures
        and pending creates, and prints each. It sends nothing to the API, so the posts in Planable stay as
        they are: delete them there first, or both stay. A feed source forgotten as a whole is read as a new
        feed by the next sync, which records its entries without posting them, apart from its backfill.

        Options:
          SOURCE/ITEM_ID     An item as planable-sync status lists it, such as posts/2024/launch.md.
          --source NAME      Every item, read failure and feed record of source NAME, such as one removed from
                             the configuration.
          --dry-run          List what would be removed and change nothing.
        \(configurationOption)
        \(logLevelOption)

        Exit codes: 0 success, 64 usage error, a missing state database, or an item or source that the state
        database does not hold, 65 the state database is corrupt, 75 another process holds the state lock (stop
        the daemon or wait for the sync), 78 configuration error.
        """

    static let post = """
        Usage: planable-sync post [--config PATH] [--dry-run] SOURCE/ITEM_ID ...

        Marks feed entries that a sync recorded without a post (status baselined in planable-sync status), so
        that the next sync creates their posts. Such are an entry held back because it may be a known entry
        under a new id or link, an entry of a new feed past its backfill, and one recorded by on_rewrite:
        baseline. The next sync, or the running daemon's next poll of the feed, fetches the feed whole and
        creates the post of each marked entry that the feed still lists; one that the feed no longer lists
        stays without a post, with a warning. Until then, planable-sync status lists a marked entry as
        requested. It sends nothing to the API itself, needs no stop of the daemon, and marks nothing when any
        id is not such an entry.

        Options:
          SOURCE/ITEM_ID     A feed entry as planable-sync status lists it, such as
                             blog/https://example.org/2024/launch.
          --dry-run          List the entries and mark nothing.
        \(configurationOption)
        \(logLevelOption)

        Exit codes: 0 success, 64 usage error, a missing state database, or an id that is not a feed entry
        recorded without a post, 65 the state database is corrupt, 78 configuration error (such as a state
        database that this user may not write).
        """

    static let run = """
        Usage: planable-sync run [--config PATH] [--log-level LEVEL]

        Runs as a daemon, a systemd Type=notify service, until SIGTERM or SIGINT. It syncs every source at
        start, then syncs the files that change in each folder (inotify), rescans every folder each
        rescan_interval seconds (default 600), polls each feed each poll_interval seconds (default 900), and
        follows the status of its posts. With delete_drafts, it deletes the drafts of a removed file only when
        the file is still gone delete_grace_period seconds (default 30) later. When the first pass after a
        start or reload ends, it logs one info line, "daemon ready", with the folders it watches, the feeds
        it polls and their intervals. SIGHUP reloads the configuration, and a configuration that does not
        load is rejected while the running one stays in use.

        Options:
        \(configurationOption)
        \(logLevelOption)

        Exit codes: 0 stopped by SIGTERM or SIGINT, 64 usage error, 65 bad input data, 69 API unavailable,
        75 temporary failure (such as another process holding the state lock), 78 configuration error (such as
        a state database of another workspace, or an api url that names another server). systemd does not
        restart the service after 64, 65 or 78.
        """

    static let check = """
        Usage: planable-sync check [--config PATH] [--log-level LEVEL]

        Validates the configuration and prints one line per check: the token, the workspace, whether the state
        database belongs to it and its folder can be written, each page the configuration names and whether it
        is connected, the rules' labels and campaigns, the templates (with warnings for variables that are not
        standard), and each source: a folder exists and this user can read it, a feed can be fetched and parsed.
        It reports every problem it finds in one run and sends no write. A check that an earlier error keeps from
        running, such as the pages when the API cannot be reached, gets a line that states so, with the reason.
        A token that the API rejects is reported with the file, environment variable or credential it was read
        from.

        Options:
        \(configurationOption)
        \(logLevelOption)

        Exit codes: 0 every check passed, 64 usage error, 65 a feed that is no RSS, Atom or JSON Feed
        planable-sync can read, 69 API unavailable, 75 a feed that cannot be read for now (a server error, a
        time-out, or a document cut off in transfer), 78 a configuration error or a failed check, such as a page
        that is not connected, a missing label, a missing folder, or a feed URL that names no feed (a missing
        file or an HTTP 404). With several problems, the code is 78 when any of them is a configuration error,
        and else the code of the first.
        """

    static let feed = """
        Usage: planable-sync feed inspect PATH_OR_URL [--format json|text]

        Reads one feed (RSS, Atom or JSON Feed) from a file path or an http, https or file URL, and prints it
        as planable-sync parses it: the format, title, link and encoding, then each entry with its key, link,
        dates and media. It reads no configuration or state, sends nothing to Planable, and fetches the URL
        once, with a time limit of 30 seconds.

        Options:
          --format FORMAT    text (default) or json, with every parsed field, dates in ISO 8601 (UTC).

        Exit codes: 0 success, 64 usage error, 65 the document is not a feed planable-sync can parse, 69 the
        feed could not be fetched, 75 the document ends inside an entry, as one cut off in transfer does, so a
        later read may parse it.
        """

    static let reference = """
        Usage: planable-sync reference --listen HOST:PORT --database PATH [--seed FILE] [--offline-media]
                                       [--allow-loopback-media]

        Runs the reference implementation of Planable's API on its own, on a loopback address, until SIGTERM
        or SIGINT. A new database gets the data of the --seed file, or else the demo seed with a new write
        token, which it prints once. docs/reference-server.md describes the server and its /reference/
        controls, which take no token.

        Options:
          --listen HOST:PORT
                             The loopback address to serve on, such as 127.0.0.1:8080 or [::1]:8080. Port 0
                             picks a free port. A host name or an address other than loopback is rejected.
          --database PATH    The SQLite file with the server's state, created and seeded when missing.
          --seed FILE        A YAML seed for a new database. Without it, the demo seed and a new token are
                             used.
          --offline-media    Record media on hosts other than loopback by file name without downloading it,
                             and download loopback media, for runs that must not leave the machine.
          --allow-loopback-media
                             Download media from loopback addresses too, such as files served on 127.0.0.1
                             for a rehearsal. Other media is downloaded as usual.

        Exit codes: 0 stopped by SIGTERM or SIGINT, 64 usage error (such as a --listen address that is not
        loopback), 69 the server cannot listen or open its database, 75 another reference server holds the
        database file, 78 the seed is invalid or cannot be applied.
        """
}
