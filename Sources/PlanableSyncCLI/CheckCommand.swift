import Feeds
import Foundation
import HTTPClient
import PlanableAPI
import SyncEngine

/// `check`: validates the configuration, the token, the state folder, every page, label and campaign it names,
/// its templates and its sources, and sends no write.
///
/// Each step that does not depend on a failed one still runs, so one run lists every problem it can find.
enum CheckCommand {
    static func run(_ arguments: [String]) throws -> ExitCode {
        let parsed = try ParsedArguments(arguments)
        // The shared parser accepts these options for every command, and check would otherwise ignore them.
        if parsed.dryRun { throw UsageError(message: "check sends no write, so it takes no --dry-run") }
        if parsed.format != "text" {
            throw UsageError(message: "check prints text only, so it takes no --format \(parsed.format)")
        }
        if parsed.output != nil {
            throw UsageError(message: "check prints to standard output only, so it takes no --output")
        }
        let configuration: Configuration
        do {
            configuration = try loadConfiguration(parsed)
        } catch let error as ConfigurationError {
            // The other checks need a configuration, so the file's problems are all this run can list.
            var report = CheckReport()
            for problem in error.problems { report.problem(problem.description) }
            print(
                "token, workspace, state, pages, labels, campaigns and sources: not checked, because the "
                    + "configuration has the problems above; run check again once they are fixed")
            return report.finish(configurationPath: error.path)
        }
        print("configuration \(configuration.path): valid")
        let logger = makeLogger(parsed, configuration: configuration)
        var report = CheckReport()

        let stateProblem = StateFolderCheck.problem(statePath: configuration.statePath)
        if let stateProblem { report.problem(stateProblem.message) }
        // SQLite opens a state in a folder that this user may not write only when its shared-memory file exists,
        // so such a state is left closed, and its workspace is not compared.
        let stateFolderBlocked = stateProblem?.folderNotWritable == true
        // A check creates no state file: a missing one means that no sync ran yet, or that the state setting names
        // another file, which the check reports. With `api: embedded` and no state yet, the embedded server runs
        // in a temporary folder that the runtime removes.
        var runtime: Runtime?
        var apiChecks = APIChecks(configuration)
        if stateFolderBlocked, case .embedded = configuration.api {
            // The embedded server keeps its database in the state folder too, and one seeded afresh elsewhere would
            // not show the pages, labels and campaigns added to it.
            apiChecks.skipRemaining(
                because: "the embedded server keeps its data in the state folder, which this user cannot write")
        } else {
            do {
                runtime = try Runtime(
                    configuration: configuration, logger: logger, exclusive: false, createsState: false,
                    opensState: !stateFolderBlocked)
            } catch {
                report.failure(error)
                apiChecks.skipRemaining(after: error)
            }
        }

        var context: WorkspaceContext?
        if let runtime {
            do {
                context = try checkWorkspace(
                    runtime, stateWritable: stateProblem == nil, stateFolderBlocked: stateFolderBlocked,
                    apiChecks: &apiChecks, report: &report)
            } catch {
                report.failure(TokenRejectedError.attributing(error, to: runtime.tokenOrigin))
                apiChecks.skipRemaining(after: error)
            }
        }
        checkTemplates(configuration, context: context, report: &report)
        checkSources(configuration, report: &report)
        for warning in SourceOverlap.overlapWarnings(configuration) { print("warning: \(warning)") }
        if let runtime {
            do {
                let engine = runtime.engine()
                for warning in try engine.unlistedSourceWarnings() { print("warning: \(warning)") }
                for (old, new) in try engine.renamedSources() {
                    print("source \"\(new)\": takes over the items of source \"\(old)\", which it was renamed from")
                }
            } catch {
                report.failure(error)
            }
        }
        return report.finish(configurationPath: configuration.path)
    }

    /// Checks the token, the workspace, the state's workspace, the pages, the labels and the campaigns, and
    /// returns the workspace context when every page is found. Each step is marked as started in `apiChecks`, and
    /// the steps after a workspace that is not found are listed as not checked.
    ///
    /// - Throws: `PlanableAPIError` when a request fails, which ends the checks that need the API.
    static func checkWorkspace(
        _ runtime: Runtime, stateWritable: Bool, stateFolderBlocked: Bool, apiChecks: inout APIChecks,
        report: inout CheckReport
    ) throws -> WorkspaceContext? {
        let configuration = runtime.configuration
        let client = runtime.client
        let ping = try client.ping()
        print("token: valid (token \(ping.tokenId), company \(ping.companyId))")
        let workspaces = try client.listWorkspaces()
        print("token: can see workspaces \(workspaces.map { "\"\($0.name)\"" }.joined(separator: ", "))")
        // The API does not report a token's scope; a read-only token fails its first write with 403 FORBIDDEN.
        print("token scope: not reported by the API; sync needs write scope")
        apiChecks.start(.workspace)
        guard
            let workspace = workspaces.first(where: { $0.id == configuration.workspace })
                ?? workspaces.first(where: { $0.name == configuration.workspace })
        else {
            let known = workspaces.map { "\"\($0.name)\"" }.joined(separator: ", ")
            report.problem(
                "workspace \"\(configuration.workspace)\": not found; the token can see "
                    + "\(known.isEmpty ? "no workspace" : known). Fix workspace: in \(configuration.path)")
            apiChecks.skipRemaining(because: "the workspace was not found")
            return nil
        }
        print("workspace \"\(workspace.name)\": found (\(workspace.id), time zone \(workspace.timezone))")

        apiChecks.start(.state)
        if let mismatch = try runtime.state.workspaceMismatch(workspace, configurationPath: configuration.path) {
            report.problem("state: \(mismatch.message)")
        } else if !runtime.stateFileExists {
            if stateFolderBlocked && FileManager.default.fileExists(atPath: configuration.statePath) {
                // The state folder's problem is listed above, and the state was not opened because of it.
                print(
                    "state \(configuration.statePath): not checked against the workspace, because of the state "
                        + "folder's problem above")
            } else if stateWritable {
                print(
                    "state \(configuration.statePath): does not exist yet; the first sync creates it (if a sync ran "
                        + "before, the state setting names another file)")
            }
        } else {
            print("state \(configuration.statePath): belongs to this workspace or to none yet")
        }

        apiChecks.start(.pages)
        let pages = try client.listPages(workspaceId: workspace.id)
        let pagesFound = checkPages(configuration, workspace: workspace, pages: pages, report: &report)
        let labels = configuredNames(configuration.rules.map { ($0.name, $0.labels) })
        if !labels.isEmpty {
            apiChecks.start(.labels)
            let candidates = try client.listLabels(workspaceId: workspace.id).map { (id: $0.id, name: $0.name ?? "") }
            checkNames(
                labels, kind: "label", in: candidates, workspace: workspace, createsMissing: configuration.createLabels,
                report: &report)
        }
        let campaigns = configuredNames(configuration.rules.map { ($0.name, $0.campaign.map { [$0] } ?? []) })
        if !campaigns.isEmpty {
            apiChecks.start(.campaigns)
            let candidates = try client.listCampaigns(workspaceId: workspace.id).map { (id: $0.id, name: $0.name) }
            checkNames(
                campaigns, kind: "campaign", in: candidates, workspace: workspace, createsMissing: false,
                report: &report)
        }
        // With every page found, the resolver that sync uses builds the context from the lists read above.
        return pagesFound ? try WorkspaceResolver.context(configuration, workspace: workspace, pages: pages) : nil
    }

    /// Reports each page that the configuration or a rule names and the workspace lacks, and each page that is
    /// not connected, and returns whether every page was found.
    static func checkPages(
        _ configuration: Configuration, workspace: Workspace, pages: [Page], report: inout CheckReport
    ) -> Bool {
        func find(_ name: String) -> Page? {
            pages.first(where: { $0.id == name }) ?? pages.first(where: { $0.name == name })
        }
        let known = pages.map { "\"\($0.name)\"" }.joined(separator: ", ")
        var allFound = true
        for rule in configuration.rules {
            for name in rule.pages ?? [] where find(name) == nil {
                allFound = false
                report.problem(
                    "page \"\(name)\" (rule \"\(rule.name)\"): not found in workspace \"\(workspace.name)\"; its "
                        + "pages are \(known)")
            }
        }
        var listed: Set<String> = []
        for name in configuration.pages {
            guard let page = find(name) else {
                allFound = false
                report.problem("page \"\(name)\": not found in workspace \"\(workspace.name)\"; its pages are \(known)")
                continue
            }
            guard listed.insert(page.id).inserted else { continue }
            reportConnection(page, label: "page \"\(page.name)\"", report: &report)
        }
        // A page that only rules name gets posts too, so its connection is checked as well.
        for (name, rules) in configuredNames(configuration.rules.map { ($0.name, $0.pages ?? []) }) {
            guard let page = find(name), listed.insert(page.id).inserted else { continue }
            let ruleList = rules.map { "\"\($0)\"" }.joined(separator: ", ")
            let noun = rules.count == 1 ? "rule" : "rules"
            reportConnection(page, label: "page \"\(page.name)\" (\(noun) \(ruleList))", report: &report)
        }
        return allFound
    }

    /// Prints that `page` was found and is connected, or lists it as a problem when it is not connected.
    private static func reportConnection(_ page: Page, label: String, report: inout CheckReport) {
        if page.isConnected {
            print("\(label): found, \(page.platform), connected")
        } else {
            report.problem("\(label): found, \(page.platform), NOT connected; reconnect it in Planable")
        }
    }

    /// Collects each name once, in order, with the rules that name it.
    static func configuredNames(_ rules: [(rule: String, names: [String])]) -> [(name: String, rules: [String])] {
        var result: [(name: String, rules: [String])] = []
        for (rule, names) in rules {
            for name in names {
                if let index = result.firstIndex(where: { $0.name == name }) {
                    if !result[index].rules.contains(rule) { result[index].rules.append(rule) }
                } else {
                    result.append((name, [rule]))
                }
            }
        }
        return result
    }

    /// Reports each label or campaign name that matches none, or several, of the workspace's, with the matching
    /// rule that sync uses.
    static func checkNames(
        _ names: [(name: String, rules: [String])], kind: String, in candidates: [(id: String, name: String)],
        workspace: Workspace, createsMissing: Bool, report: inout CheckReport
    ) {
        let existing = candidates.map { "\"\($0.name)\"" }
        let listed =
            existing.count > 20
            ? existing.prefix(20).joined(separator: ", ") + ", ..." : existing.joined(separator: ", ")
        for (name, rules) in names {
            let subject =
                "\(kind) \"\(name)\" (rule\(rules.count == 1 ? "" : "s") \(rules.map { "\"\($0)\"" }.joined(separator: ", ")))"
            switch NameMatch.find(name, in: candidates) {
            case .found:
                print("\(subject): found")
            case .ambiguous(let matches):
                let quoted = matches.map { "\"\($0)\"" }.joined(separator: ", ")
                report.problem("\(subject): matches \(quoted), which differ only in case; write the exact name")
            case .missing where createsMissing:
                print("\(subject): not in workspace \"\(workspace.name)\" yet; sync creates it (create_labels: true)")
            case .missing:
                let fix =
                    kind == "label"
                    ? "create it in Planable, fix the name, or set create_labels: true"
                    : "create it in Planable or fix the name"
                let known = existing.isEmpty ? "it has no \(kind)s" : "its \(kind)s are \(listed)"
                report.problem(
                    "\(subject): does not exist in workspace \"\(workspace.name)\"; \(known). To fix, \(fix)")
            }
        }
    }

    /// Reports templates that do not compile, and otherwise the list variables and the warnings of
    /// `TemplateCheck`, and the `templates` keys that name no page or network when the pages are known.
    static func checkTemplates(_ configuration: Configuration, context: WorkspaceContext?, report: inout CheckReport) {
        let syntaxProblems = TemplateCheck.syntaxProblems(configuration)
        if !syntaxProblems.isEmpty {
            print("templates: invalid")
            for problem in syntaxProblems { report.problem("  error: \(problem)") }
            return
        }
        do {
            if let context { _ = try Mapper(configuration: configuration, context: context) }
            let warnings = try TemplateCheck.warnings(configuration)
            let listProblems = try TemplateCheck.listVariableProblems(configuration)
            if listProblems.isEmpty {
                print(warnings.isEmpty ? "templates: valid" : "templates: valid, with warnings")
            } else {
                print("templates: invalid")
                for problem in listProblems { report.problem("  error: \(problem)") }
            }
            for warning in warnings { print("  warning: \(warning)") }
        } catch {
            print("templates: invalid")
            report.failure(error, prefix: "  error: ")
        }
        // A rule that can match nothing is no template problem, so it is listed whether the templates compile.
        for warning in TemplateCheck.ruleWarnings(configuration) { print("warning: \(warning)") }
    }

    /// Reports each directory source whose folder does not exist or that this user cannot read, and each feed
    /// that cannot be read.
    static func checkSources(_ configuration: Configuration, report: inout CheckReport) {
        // The feeds are read at once, as a sync reads them, so that slow feed servers add no wait to each other.
        let urls = configuration.sources.compactMap { source -> String? in
            if case .feed(let url, _, _, _) = source.kind { url } else { nil }
        }
        let reads = FeedCheck.readAll(urls)
        for source in configuration.sources {
            switch source.kind {
            case .directory(let path, _, _):
                switch FolderAccess.of(path) {
                case .readable:
                    print("source \"\(source.name)\": folder \(path) exists")
                case .missing:
                    report.problem("source \"\(source.name)\": folder \(path) does not exist")
                case .unreadable(let reason):
                    let user = FolderAccess.userName
                    report.problem(
                        "source \"\(source.name)\": folder \(path) exists, but user \(user) cannot read it "
                            + "(\(reason)); \(FolderAccess.fix(user: user))")
                }
            case .feed(let url, _, let interval, _):
                let shownURL = URLCredentials.redactingPassword(in: url)
                switch reads[url] ?? FeedCheck.read(url) {
                case .success(let summary):
                    print("source \"\(source.name)\": feed \(shownURL) read, \(summary)")
                case .failure(let problem):
                    report.problem(
                        "source \"\(source.name)\": feed \(shownURL) \(problem.message)", code: problem.code)
                }
                let minimum = SyncDaemon.minimumFeedInterval
                if interval < minimum {
                    print(
                        "warning: source \"\(source.name)\": poll_interval \(Int(interval)) is below the minimum of "
                            + "\(Int(minimum)) seconds, so the daemon polls the feed every \(Int(minimum)) seconds; set "
                            + "\(Int(minimum)) or more")
                }
            }
        }
    }
}

/// The problems a check found, printed on standard output as they are found, and the exit code they add up to.
struct CheckReport {
    private(set) var count = 0
    /// The exit code of each problem, in the order found.
    private var codes: [ExitCode] = []

    /// Prints a problem that a person must fix in the configuration or the workspace.
    mutating func problem(_ line: String, code: ExitCode = .configurationError) {
        print(line)
        count += 1
        codes.append(code)
    }

    /// Prints an error that ended one step, with the exit code that the command would end with for it.
    mutating func failure(_ error: any Error, prefix: String = "error: ") {
        let (code, message) = CommandLineTool.classify(error)
        problem(prefix + message, code: code)
    }

    /// Prints the count of problems on standard error, and returns 0 without problems, 78 when one of them is a
    /// configuration error, and else the exit code of the first, such as 69 for an API that cannot be reached.
    func finish(configurationPath: String) -> ExitCode {
        guard let first = codes.first else { return .success }
        let noun = count == 1 ? "problem" : "problems"
        FileHandle.standardError.write(
            Data(
                "planable-sync: check of \(configurationPath) found \(count) \(noun), listed on standard output\n".utf8)
        )
        return codes.contains(.configurationError) ? .configurationError : first
    }
}

/// Checks that this user may create and write the state database, its lock file and SQLite's WAL and
/// shared-memory files beside it.
enum StateFolderCheck {
    struct Problem {
        var message: String
        /// Whether the problem is the folder itself, which this user may not write or which is a file, rather than
        /// a file in it.
        var folderNotWritable: Bool
    }

    /// Returns the problem with the state's folder, or nil when this user may write it or create it.
    ///
    /// A folder that does not exist yet counts as writable when its nearest existing parent is, because sync
    /// creates the missing folders. Root passes every permission check, so a check run as root cannot tell
    /// whether the service's user may write the folder.
    static func problem(statePath: String) -> Problem? {
        let folder = parentFolder(of: statePath)
        let existing = FolderAccess.nearestExisting(folder)
        let fix =
            "make it writable for user \(FolderAccess.userName), or change the state setting to a folder that is"
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: existing, isDirectory: &isDirectory), !isDirectory.boolValue {
            return Problem(
                message: "state \(statePath): \(existing) is a file, not a folder; change the state setting",
                folderNotWritable: true)
        }
        if faccessat(AT_FDCWD, existing, W_OK | X_OK, AT_EACCESS) != 0 {
            let reason = String(cString: strerror(errno))
            if existing == folder {
                return Problem(
                    message: "state \(statePath): this user cannot write the folder \(folder) (\(reason)), so sync "
                        + "cannot create its lock file and database there; \(fix)",
                    folderNotWritable: true)
            }
            return Problem(
                message: "state \(statePath): the folder \(folder) does not exist, and this user cannot create it in "
                    + "\(existing) (\(reason)); create the folder, \(fix)",
                folderNotWritable: true)
        }
        let files = [statePath] + StateStore.sideFiles(of: statePath) + [statePath + ".lock"]
        guard let (path, reason) = StateStore.unwritableFile(among: files) else { return nil }
        return Problem(
            message: "state \(statePath): this user cannot write \(path) (\(reason)); give the file to user "
                + "\(FolderAccess.userName), or change the state setting",
            folderNotWritable: false)
    }
}

/// Reads a feed source's URL once for `check`, without the validators a sync sends.
enum FeedCheck {
    struct Problem: Error {
        var message: String
        /// 75 when a later read may succeed, as after a server error or a document cut off in transfer, as `sync`
        /// exits for it. 65 for a document that is not a feed planable-sync reads, as `sync` exits for it. 78 for a
        /// URL that names no feed, such as a missing file or an HTTP 404, which `sync` counts as temporary, as it
        /// does a missing folder.
        var code: ExitCode
    }

    /// Reads each of `urls` on a thread of its own, as many at once as a pass fetches, and returns the results by
    /// URL.
    static func readAll(_ urls: [String]) -> [String: Result<String, Problem>] {
        let unique = Array(Set(urls))
        let reads = ThreadFanOut.map(unique, width: SyncEngine.concurrentFeedFetches) { read($0) }
        return Dictionary(zip(unique, reads ?? []), uniquingKeysWith: { first, _ in first })
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
            let code = exitCode(error)
            let when = code == .temporaryFailure ? " (a temporary failure, so check again later)" : ""
            return .failure(Problem(message: "cannot be fetched\(when): \(error)", code: code))
        case .failure(.notModified):
            return .failure(
                Problem(
                    message: "returned 304 Not Modified to a request without validators, which a server sends only "
                        + "by mistake; check again later",
                    code: .temporaryFailure))
        case .failure(.parse(let error)):
            let code = exitCode(error)
            let message =
                code == .temporaryFailure
                ? "cannot be read for now: \(error)" : "is not a feed planable-sync can read: \(error)"
            return .failure(Problem(message: message, code: code))
        }
    }

    /// Returns the exit code of a failed fetch or parse by what makes a later read succeed.
    static func exitCode(_ error: any Error) -> ExitCode {
        switch (error as? FeedError)?.remedy ?? .retry {
        case .retry: .temporaryFailure
        case .fixFeed: .dataError
        case .fixConfiguration: .configurationError
        }
    }
}
