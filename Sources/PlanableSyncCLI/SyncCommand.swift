import Daemon
import Foundation
import Logging
import PlanableAPI
import SyncEngine

/// `sync` and `plan`: one pass over every source, applied or previewed.
enum SyncCommand {
    static func run(_ arguments: [String], planOnly: Bool) throws -> ExitCode {
        let parsed = try ParsedArguments(arguments, flagOptions: ["--rebuild-state"])
        let rebuildState = parsed.flags.contains("--rebuild-state")
        if !parsed.positional.isEmpty {
            throw UsageError(message: "unexpected argument \(parsed.positional[0])")
        }
        let mode: RunMode = planOnly || parsed.dryRun ? .plan : .apply
        if rebuildState && mode == .plan {
            // A rebuild writes the state database, which a preview leaves as it is.
            throw UsageError(
                message: planOnly
                    ? "--rebuild-state is for sync, not plan"
                    : "--rebuild-state cannot be combined with --dry-run, because a rebuild writes the state database; "
                        + "run sync --rebuild-state without --dry-run")
        }
        if parsed.format == "html" && mode == .apply {
            throw UsageError(message: "--format html is for plan (or sync --dry-run) only")
        }
        // A JSON report on standard output becomes an object with the error when the run fails, so that a script
        // that parses the output gets JSON either way. Standard error still carries the message.
        do {
            return try run(parsed, mode: mode, rebuildState: rebuildState)
        } catch {
            if !(error is UsageError) {
                let (code, message) = CommandLineTool.classify(error)
                writeJSONFailure(parsed, mode: mode, message: message, code: code)
            }
            if mode == .apply { recordFailureBeforeRun(error, parsed) }
            throw error
        }
    }

    /// Prints `{"command", "error", "exitCode"}` on standard output for a run that ends without its report, when
    /// the report would have been JSON on standard output.
    private static func writeJSONFailure(_ parsed: ParsedArguments, mode: RunMode, message: String, code: ExitCode) {
        guard parsed.format == "json" && parsed.output == nil else { return }
        let failure: [String: Any] = [
            "command": mode == .apply ? "sync" : "plan", "error": message, "exitCode": Int(code.rawValue),
        ]
        if let data = try? JSONSerialization.data(
            withJSONObject: failure, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    /// Records in an existing state database a failure that ended a sync before its pass began, such as an
    /// unreadable token file, so that `status` shows it as it shows a failed pass. A run that found the state
    /// locked leaves it alone, because the process that holds the lock is working.
    private static func recordFailureBeforeRun(_ error: any Error, _ parsed: ParsedArguments) {
        if error is UsageError { return }
        if case StateLockError.held = error { return }
        // Opening a state file that this user may not write would only leave read-only WAL files beside it.
        if case StateError.readOnly = error { return }
        guard let configuration = try? loadConfiguration(parsed),
            FileManager.default.fileExists(atPath: configuration.statePath),
            let state = try? StateStore(path: configuration.statePath)
        else { return }
        try? state.recordRunFailure(CommandLineTool.classify(error).1)
    }

    private static func run(_ parsed: ParsedArguments, mode: RunMode, rebuildState: Bool) throws -> ExitCode {
        let configuration = try loadConfiguration(parsed)
        let logger = makeLogger(parsed, configuration: configuration)
        try ReportWriter.prepareOutput(parsed.output)
        if rebuildState {
            _ = try StateRebuilder.prepare(statePath: configuration.statePath, logger: logger)
        }
        let clock = CancellableClock()
        // A plan leaves a missing state file missing, because it writes nothing; it plans as for a first sync. With
        // `api: embedded`, the embedded server's files are still created in the state's folder.
        let runtime = try Runtime(
            configuration: configuration, logger: logger, exclusive: mode == .apply, createsState: mode == .apply,
            clock: clock)

        let progress = ProgressReporter(logger: logger)
        let engine = runtime.engine(progress: { done, total in progress.update(done: done, total: total) })
        logger.info("run started", ["command": mode == .apply ? "sync" : "plan", "config": configuration.path])
        let unlistedSources = try engine.unlistedSourceWarnings()
        for warning in unlistedSources {
            logger.warning(warning, ["state.path": configuration.statePath])
        }
        let stop = StopSignal()
        let signals = SignalHandler()
        signals.install(stop.handlers(clock: clock, logger: logger))
        defer { signals.cancel() }
        var report: RunReport
        do {
            if rebuildState { _ = try StateRebuilder(engine: engine).rebuild() }
            report = try engine.run(mode: mode, shouldStop: { stop.received != nil })
        } catch PlanableAPIError.cancelled {
            // A stop cut short a wait outside the items, such as for a create without a response, so the run ends
            // without its report. Every write that got a response is in the state, and the next run reads back a
            // create that got none.
            progress.finish()
            let signal = stop.received ?? SIGTERM
            let detail =
                mode == .apply
                ? "before it finished; what it sent is in the state, and the next run syncs the rest"
                : "before it finished, so it printed no plan; a plan sends no write, so nothing changed"
            let code = StopSignal.report(signal, detail)
            writeJSONFailure(
                parsed, mode: mode, message: "\(StopSignal.name(signal)) stopped the run \(detail)", code: code)
            return code
        } catch {
            throw TokenRejectedError.attributing(error, to: runtime.tokenOrigin)
        }
        progress.finish()
        report.serverRequests = runtime.embeddedServer?.requestCounts()
        // The report's reader, such as a cron mail, may not see the log.
        report.warnings = unlistedSources + report.warnings
        // A plan's counts are what a sync would do, so its line names the plan.
        var finished = [
            "created": String(report.created), "updated": String(report.updated),
            "deleted": String(report.deleted), "removed": String(report.removed),
            "unchanged": String(report.unchanged), "failed": String(report.failed),
            "requests.read": String(report.requests.read), "requests.write": String(report.requests.write),
        ]
        if report.notReached > 0 { finished["not_reached"] = String(report.notReached) }
        if report.baselined > 0 { finished["baselined"] = String(report.baselined) }
        logger.info(mode == .apply ? "run finished" : "plan finished", finished)

        try ReportWriter.write(
            report, format: parsed.format, to: parsed.output, title: "Plan for \(configuration.path)")
        if let signal = stop.received {
            let rest =
                report.notReached > 0
                ? "the \(report.notReached) \(report.notReached == 1 ? "item" : "items") it did not reach"
                : "the rest"
            return StopSignal.report(
                signal, "early; the report lists the items it reached, and the next run syncs \(rest)")
        }
        // Items the API may take later, after a 503 or a lost connection, make the run a temporary failure. A
        // duplicate post group needs a person, as bad data does.
        let failed = report.items.filter { $0.decision == .failed }
        if failed.contains(where: { $0.failedTemporarily != true }) || !report.duplicateGroups.isEmpty {
            return .dataError
        }
        if !failed.isEmpty { return .temporaryFailure }
        if !report.errors.isEmpty { return .temporaryFailure }
        return .success
    }
}

/// The first SIGINT or SIGTERM that a one-shot run received. The run stops after the item in flight and writes
/// its report, and a second signal ends the process at once.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int32?

    /// The first signal received, nil before one arrives.
    var received: Int32? {
        lock.withLock { first }
    }

    /// Returns the handlers for SIGINT and SIGTERM. The first signal cancels `clock`, which ends waits for the rate
    /// limit and for retries, and a second one exits with 128 plus its number, as the default action would.
    func handlers(clock: CancellableClock, logger: Logger) -> [Int32: SignalHandler.Handler] {
        var handlers: [Int32: SignalHandler.Handler] = [:]
        for number in [SIGINT, SIGTERM] {
            handlers[number] = { [self] in
                let isFirst = lock.withLock { () -> Bool in
                    guard first == nil else { return false }
                    first = number
                    return true
                }
                guard isFirst else { _exit(128 + number) }
                logger.warning(
                    "stop requested; the run ends after the request in flight, and a second signal ends it at once",
                    ["signal": Self.name(number)])
                clock.cancel()
            }
        }
        return handlers
    }

    static func name(_ signal: Int32) -> String {
        signal == SIGINT ? "SIGINT" : "SIGTERM"
    }

    /// Writes that `signal` stopped the run, followed by `detail`, to standard error, and returns the exit code,
    /// 128 plus the signal's number.
    static func report(_ signal: Int32, _ detail: String) -> ExitCode {
        FileHandle.standardError.write(Data("planable-sync: \(name(signal)) stopped the run \(detail)\n".utf8))
        return signal == SIGINT ? .interrupted : .terminated
    }
}

/// Shows progress on a terminal, and logs it every 30 seconds elsewhere, for a long first sync.
final class ProgressReporter: @unchecked Sendable {
    private let logger: Logger
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let started = Date()
    private var lastLog = Date()
    private var shown = false
    private var firstItemEnd: Date?
    /// The count of items done and the total at the last update, and the count that the last log line gave.
    private var lastDone = 0
    private var lastTotal = 0
    private var loggedDone: Int?
    private let lock = NSLock()

    init(logger: Logger) {
        self.logger = logger
    }

    func update(done: Int, total: Int) {
        lock.withLock {
            lastDone = done
            lastTotal = total
            let elapsed = Date().timeIntervalSince(started)
            // The estimate counts from the first item's end, because the time spent reading the sources before
            // it, such as on a feed that timed out, does not show the time per item.
            guard let firstItemEnd else {
                firstItemEnd = Date()
                return
            }
            guard total >= 20, elapsed > 2, done > 1 else { return }
            let remaining = Date().timeIntervalSince(firstItemEnd) / Double(done - 1) * Double(total - done)
            if isTerminal {
                let line = String(format: "\r%d/%d items, about %@ left ", done, total, Self.duration(remaining))
                FileHandle.standardError.write(Data(line.utf8))
                shown = true
            } else if Date().timeIntervalSince(lastLog) >= 30 {
                lastLog = Date()
                loggedDone = done
                logger.info(
                    "sync progress",
                    [
                        "items.done": String(done), "items.total": String(total),
                        "remaining_seconds": String(Int(remaining)),
                    ])
            }
        }
    }

    /// Ends the progress output. When a progress line was logged, a last one gives the items done at the end, so
    /// that the log does not end on a count from the middle of the run.
    func finish() {
        lock.withLock {
            if shown { FileHandle.standardError.write(Data("\n".utf8)) }
            if let loggedDone, loggedDone != lastDone {
                var metadata = ["items.done": String(lastDone), "items.total": String(lastTotal)]
                // A run that a signal stopped leaves items for the next run, which this one does not estimate.
                if lastDone == lastTotal { metadata["remaining_seconds"] = "0" }
                logger.info("sync progress", metadata)
            }
        }
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total)s"
    }
}

/// Finds and loads the configuration: `--config`, else /etc/planable-sync/config.yaml, else ./planable-sync.yaml.
func loadConfiguration(_ parsed: ParsedArguments) throws -> Configuration {
    if let path = parsed.configPath { return try Configuration.load(path: path) }
    for candidate in ["/etc/planable-sync/config.yaml", "planable-sync.yaml"]
    where FileManager.default.fileExists(atPath: candidate) {
        return try Configuration.load(path: candidate)
    }
    throw MissingConfigurationError(
        candidates: ["/etc/planable-sync/config.yaml", "planable-sync.yaml"],
        currentDirectory: FileManager.default.currentDirectoryPath)
}

func makeLogger(_ parsed: ParsedArguments, configuration: Configuration?) -> Logger {
    makeLogger(level: parsed.logLevel ?? configuration?.logLevel)
}

/// A logger at `level` (default: `PLANABLE_SYNC_LOG_LEVEL`, else info), writing to the journal under systemd and to
/// standard error otherwise; `PLANABLE_SYNC_LOG_FORMAT=json` writes JSON lines.
func makeLogger(level: String?) -> Logger {
    let name = level ?? ProcessInfo.processInfo.environment["PLANABLE_SYNC_LOG_LEVEL"] ?? "info"
    let destination: LogDestination =
        ProcessInfo.processInfo.environment["PLANABLE_SYNC_LOG_FORMAT"] == "json" ? .jsonLines : .automatic
    return Logger(label: "planable-sync", level: LogLevel(name: name) ?? .info, destination: destination)
}
