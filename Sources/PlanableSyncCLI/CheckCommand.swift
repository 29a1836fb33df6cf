import Feeds
import Foundation
import HTTPClient
import PlanableAPI
import SyncEngine

/// `check`: validates the configuration, the token and every page it names, and sends no write.
enum CheckCommand {
    static func run(_ arguments: [String]) throws -> ExitCode {
        let parsed = try ParsedArguments(arguments)
        let configuration = try loadConfiguration(parsed)
        print("configuration \(configuration.path): valid")
        let logger = makeLogger(parsed, configuration: configuration)
        // A check creates no state file: a missing one means that no sync ran yet, or that the state setting names
        // another file, which the check reports. With `api: embedded`, the embedded server's files are still
        // created in the state's folder.
        let runtime = try Runtime(configuration: configuration, logger: logger, exclusive: false, createsState: false)

        let ping = try runtime.client.ping()
        print("token: valid (token \(ping.tokenId), company \(ping.companyId))")
        let visible = try runtime.client.listWorkspaces().map { "\"\($0.name)\"" }
        print("token: can see workspaces \(visible.joined(separator: ", "))")
        // The API does not report a token's scope; a read-only token fails its first write with 403 FORBIDDEN.
        print("token scope: not reported by the API; sync needs write scope")
        let context = try WorkspaceResolver.resolve(configuration, client: runtime.client)
        print(
            "workspace \"\(context.workspace.name)\": found (\(context.workspace.id), time zone \(context.workspace.timezone))"
        )
        var problems = 0
        if let mismatch = try runtime.state.workspaceMismatch(context.workspace, configurationPath: configuration.path)
        {
            problems += 1
            print("state: \(mismatch.message)")
        } else if !runtime.stateFileExists {
            print(
                "state \(configuration.statePath): does not exist yet; the first sync creates it (if a sync ran "
                    + "before, the state setting names another file)")
        } else {
            print("state \(configuration.statePath): belongs to this workspace or to none yet")
        }
        for page in context.pages {
            if page.isConnected {
                print("page \"\(page.name)\": found, \(page.platform), connected")
            } else {
                problems += 1
                print("page \"\(page.name)\": found, \(page.platform), NOT connected; reconnect it in Planable")
            }
        }
        _ = try Mapper(configuration: configuration, context: context)
        let templateWarnings = try TemplateCheck.warnings(configuration)
        let templateProblems = try TemplateCheck.listVariableProblems(configuration)
        if !templateProblems.isEmpty {
            problems += templateProblems.count
            print("templates: invalid")
            for problem in templateProblems { print("  error: \(problem)") }
        } else {
            print(templateWarnings.isEmpty ? "templates: valid" : "templates: valid, with warnings")
        }
        for warning in templateWarnings { print("  warning: \(warning)") }
        for source in configuration.sources {
            switch source.kind {
            case .directory(let path, _, _):
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    print("source \"\(source.name)\": folder \(path) exists")
                } else {
                    problems += 1
                    print("source \"\(source.name)\": folder \(path) does not exist")
                }
            case .feed(let url, _, _, _):
                switch FeedCheck.read(url) {
                case .success(let summary):
                    print("source \"\(source.name)\": feed \(url) read, \(summary)")
                case .failure(let problem):
                    problems += 1
                    print("source \"\(source.name)\": feed \(url) \(problem.message)")
                }
            }
        }
        let engine = runtime.engine()
        for warning in try engine.unlistedSourceWarnings() { print("warning: \(warning)") }
        for (old, new) in try engine.renamedSources() {
            print("source \"\(new)\": takes over the items of source \"\(old)\", which it was renamed from")
        }
        return problems == 0 ? .success : .configurationError
    }
}

/// Reads a feed source's URL once for `check`, without the validators a sync sends.
enum FeedCheck {
    struct Problem: Error {
        var message: String
    }

    /// Fetches and parses the feed, and returns a summary such as `rss20, 12 entries` or the problem in words that
    /// follow the URL.
    static func read(_ url: String) -> Result<String, Problem> {
        let fetcher = FeedFetcher(client: HTTPClient(), timeout: 30, maximumBytes: FeedParser.maximumDocumentBytes)
        switch fetcher.readOnce(url) {
        case .success(let feed):
            let count = feed.entries.count
            return .success("\(feed.format.rawValue), \(count) \(count == 1 ? "entry" : "entries")")
        case .failure(.fetch(let error)):
            return .failure(Problem(message: "cannot be fetched: \(error)"))
        case .failure(.notModified):
            return .failure(Problem(message: "returned 304 Not Modified to a request without validators"))
        case .failure(.parse(let error)):
            return .failure(Problem(message: "is not a feed planable-sync can read: \(error)"))
        }
    }
}
