import Daemon
import Foundation
import HTTPClient
import Logging
import PlanableAPI
import SyncEngine
import Timestamps

/// `planable-sync run`: watches directory sources, polls feeds and post status, and serves until SIGTERM.
///
/// One work thread runs every pass, so passes never overlap; watchers, timers and signals only record what is
/// due and wake it. The state lock is held for the daemon's whole life.
final class SyncDaemon: @unchecked Sendable {
    /// The shortest and longest wait between status polls, in seconds; the wait doubles while nothing changes.
    static let statusIntervalRange: ClosedRange<Double> = 30...900
    /// Feeds that fail are polled again after a back-off that doubles up to this, in seconds.
    static let maximumFeedBackoff: Double = 3600
    /// How often the daemon checks that each watched folder's path still leads to the folder it watches, in seconds.
    /// A symbolic link swapped to a new release, or a renamed parent folder, sends no inotify event on the folder.
    static let rootCheckInterval: Double = 10

    /// How long the work thread may go without finishing an item or a piece of work before the watchdog pings stop,
    /// in seconds: 600, or `PLANABLE_SYNC_WATCHDOG_STALL_SECONDS` when set to a positive number. One item may wait
    /// out a rate-limit window. Tests shorten it.
    static let stallLimit: Double = {
        if let text = ProcessInfo.processInfo.environment["PLANABLE_SYNC_WATCHDOG_STALL_SECONDS"],
            let seconds = Double(text), seconds > 0
        {
            return seconds
        }
        return 600
    }()

    private let configurationPath: String
    private let logLevelOverride: String?
    private let notifier = SystemdNotifier()
    private let signals = SignalHandler()
    private let clock = CancellableClock()
    private let lock = NSCondition()

    // Guarded by `lock`.
    private var stopRequested = false
    private var reloadRequested = false
    /// Whether a stop signal arrived; a second one ends the process at once. Guarded by `lock`.
    private var stopSignalled = false
    /// Paths reported by each directory source's watcher since its last pass.
    private var dirtyPaths: [String: Set<String>] = [:]
    /// Sources that need a whole rescan: after an inotify queue overflow, a lost root or a watch armed again.
    private var fullRescans: Set<String> = []
    /// Directory sources whose watcher reported that its root folder is no longer watched.
    private var lostWatches: Set<String> = []
    /// The time of the next full rescan of every directory source, or nil when `rescan_interval` is 0.
    private var nextRescan: Date?
    /// The time of the next check that the watched folders' paths still lead to them.
    private var nextRootCheck = Date().addingTimeInterval(SyncDaemon.rootCheckInterval)
    private var heartbeat = Date()
    /// When a full pass runs again after one failed with an error that may pass, such as an unreachable API.
    private var passRetry: Date?
    /// Feeds fetched on threads of their own and waiting for the work thread to sync them, by source name.
    private var fetchedFeeds: [String: PrefetchedFeed] = [:]
    /// Feeds whose fetch on a thread of its own has not ended yet, for the status line.
    private var fetchingFeeds: Set<String> = []
    /// Counts the feed schedules made, so that a fetch started before a reload is not synced with the new
    /// configuration.
    private var feedGeneration = 0

    private var logger: Logger
    private var configuration: Configuration
    private var runtime: Runtime? {
        didSet { runtime?.client.onReachableAgain = { [weak self] in self?.retryPendingPassNow() } }
    }
    /// Used by the work thread only, like the properties below.
    private var folders: FolderWatchSet?
    /// The problems that the STATUS= line reports besides the counts, such as the last pass's failure.
    private var problems = DaemonProblems()
    private var passRetryDelay = SyncDaemon.statusIntervalRange.lowerBound
    private var context: WorkspaceContext?
    private var contextResolvedAt = Date.distantPast
    private var feedSchedule: [String: (next: Date, failures: Int)] = [:]
    private var nextStatusPoll = Date()
    /// The report of the last full pass, a start's or a reload's, nil when it failed.
    private var lastFullPass: RunReport?
    /// Whether a reload cut the last full pass short before it read its feeds, so that they are due at once.
    private var feedsUnread = false
    private var statusInterval = SyncDaemon.statusIntervalRange.lowerBound
    /// The removals that wait out `delete_grace_period` before their drafts are deleted. It outlives reloads, so a
    /// wait that started before one still ends with a check of the file.
    private let removalGrace = RemovalGrace(period: 0)

    init(configuration: Configuration, configurationPath: String, logger: Logger, logLevelOverride: String?) {
        self.configuration = configuration
        self.configurationPath = configurationPath
        self.logger = logger
        self.logLevelOverride = logLevelOverride
    }

    /// Runs until SIGTERM or SIGINT and returns the exit code.
    func run() throws -> ExitCode {
        signals.install([
            SIGTERM: { [weak self] in self?.requestStop(SIGTERM) },
            SIGINT: { [weak self] in self?.requestStop(SIGINT) },
            SIGHUP: { [weak self] in self?.requestReload() },
        ])
        defer { signals.cancel() }
        let watchdog = startWatchdog()
        defer { watchdog?.cancel() }

        try Self.checkTemplates(configuration)
        runtime = try Runtime(configuration: configuration, logger: logger, exclusive: true, clock: clock)
        logger.info("daemon started", ["config": configurationPath, "pid": String(getpid())])
        // A configuration that fails every pass stops the daemon with exit code 78, which its unit does not restart.
        try checkWorkspace()
        _ = notifier.status("first scan")
        // A first pass over a large backlog outlasts TimeoutStartSec at 120 writes a minute, so the start timeout is
        // extended while it runs. Watchers start first, so a change during the pass is not missed.
        let startup = startStartupExtension()
        startWatchers()
        fullPass(reason: "start")
        scheduleFeeds()
        scheduleRescan()
        startup.cancel()
        // A stop during the first pass ends the daemon next, so it sends no READY=1 and logs no ready line.
        if !isStopping {
            _ = notifier.ready()
            logReady(after: "start")
            updateStatus()
        }

        while let work = nextWork() {
            switch work {
            case .reload:
                reload()
            case .watchesLost(let names):
                folders?.dropLost(names)
                updateStatus()
            case .rootCheck:
                if folders?.dropMoved().isEmpty == false { updateStatus() }
            case .watchRetries(let names):
                let armed = folders?.retry(names) ?? []
                lock.withLock { fullRescans.formUnion(armed) }
                updateStatus()
            case .directories(let paths, let full, let periodic, let retry):
                if retry, let state = runtime?.state, (try? state.awaitsLinking()) ?? true {
                    // Only a full pass links a new state, and until then passes over some sources send nothing.
                    fullPass(reason: "retry after a failed pass")
                    if lastFullPass != nil { scheduleFeeds() }
                } else if !paths.isEmpty || !full.isEmpty {
                    if periodic { folders?.dropMoved() }
                    let partial = paths.filter { !full.contains($0.key) }
                    var reason = "files changed"
                    if retry { reason = "retry after a failed pass" }
                    if periodic { reason = "periodic rescan" }
                    pass(sources: Set(paths.keys).union(full), changedPaths: partial, reason: reason)
                }
            case .fetchFeed(let name):
                startFeedFetch(name)
            case .feed(let name, let fetched):
                pollFeed(name, fetched: fetched)
            case .status:
                pollStatus()
            }
            lock.withLock { heartbeat = Date() }
        }

        _ = notifier.stopping()
        logger.info("daemon stopping", ["config": configurationPath])
        folders?.stopAll()
        runtime = nil
        logger.info("daemon stopped")
        return .success
    }

    // MARK: Work selection

    private enum Work {
        case reload
        case watchesLost(Set<String>)
        case watchRetries([String])
        /// Checks that each watched folder's path still leads to the folder that its watch was added on.
        case rootCheck
        /// `periodic` is set when the rescan interval elapsed, so `full` lists every directory source, and `retry`
        /// when a failed pass is tried again.
        case directories(paths: [String: Set<String>], full: Set<String>, periodic: Bool, retry: Bool)
        /// Starts fetching a due feed on a thread of its own, so that a slow feed server delays no pass.
        case fetchFeed(String)
        /// Syncs a feed that was fetched.
        case feed(String, PrefetchedFeed)
        case status
    }

    /// Waits for the next piece of work; nil once a stop is requested.
    private func nextWork() -> Work? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            heartbeat = Date()
            if stopRequested { return nil }
            if reloadRequested {
                reloadRequested = false
                // The pass that the reload ended is over, so waits for the rate limit may run again.
                clock.resume()
                return .reload
            }
            if !lostWatches.isEmpty {
                defer { lostWatches = [] }
                return .watchesLost(lostWatches)
            }
            let now = Date()
            let dueRetries = folders?.dueRetries(at: now) ?? []
            if !dueRetries.isEmpty { return .watchRetries(dueRetries) }
            var periodic = false
            var retrying = false
            if let retry = passRetry, retry <= now {
                passRetry = nil
                retrying = true
                fullRescans.formUnion(folders?.sourceNames ?? [])
            }
            if let rescan = nextRescan, rescan <= now {
                periodic = true
                fullRescans.formUnion(folders?.sourceNames ?? [])
                nextRescan = now.addingTimeInterval(configuration.rescanInterval)
            }
            // A removal whose grace period ended is checked by a scan of its file, which deletes the drafts only
            // when the file is still gone.
            let folderNames = Set(folders?.sourceNames ?? [])
            for check in removalGrace.takeDueChecks(now: now) where folderNames.contains(check.source) {
                if let location = check.location {
                    dirtyPaths[check.source, default: []].insert(location)
                } else {
                    fullRescans.insert(check.source)
                }
            }
            // A retry runs even without folders to scan, since it may be the full pass that links a new state.
            if !dirtyPaths.isEmpty || !fullRescans.isEmpty || retrying {
                let work = Work.directories(
                    paths: dirtyPaths, full: fullRescans, periodic: periodic, retry: retrying)
                dirtyPaths = [:]
                fullRescans = []
                return work
            }
            if nextRootCheck <= now {
                nextRootCheck = now.addingTimeInterval(Self.rootCheckInterval)
                return .rootCheck
            }
            if let name = fetchedFeeds.keys.min(), let fetched = fetchedFeeds.removeValue(forKey: name) {
                return .feed(name, fetched)
            }
            // A due feed waits while as many fetches run as a pass runs at once. The end of a fetch wakes this thread.
            let fetchesFull = fetchingFeeds.count >= SyncEngine.concurrentFeedFetches
            if !fetchesFull,
                let due = feedSchedule.filter({ $0.value.next <= now }).min(by: { $0.value.next < $1.value.next })
            {
                // The feed is polled again once its fetch was synced, which schedules the next poll.
                feedSchedule[due.key]?.next = .distantFuture
                return .fetchFeed(due.key)
            }
            if nextStatusPoll <= now { return .status }
            let deadlines =
                (fetchesFull ? [] : feedSchedule.values.map(\.next)) + [nextStatusPoll, nextRootCheck]
                + [nextRescan, folders?.nextRetry, passRetry, removalGrace.nextDue].compactMap { $0 }
            let wake = deadlines.min() ?? now.addingTimeInterval(60)
            _ = lock.wait(until: min(wake, now.addingTimeInterval(60)))
        }
    }

    /// Ends the daemon after the request in flight; a second signal ends the process at once, as it ends `sync`.
    private func requestStop(_ signal: Int32) {
        let isFirst = lock.withLock { () -> Bool in
            defer { stopSignalled = true }
            return !stopSignalled
        }
        guard isFirst else { _exit(128 + signal) }
        // Logged before the work thread wakes, so that the log shows the request before the daemon stopping.
        logger.info(
            "stop requested; the daemon stops after the request in flight, and a second signal stops it at once",
            ["signal": StopSignal.name(signal)])
        lock.withLock {
            stopRequested = true
            lock.broadcast()
        }
        clock.cancel()
    }

    /// Reloads when the API rejected the token (401) and the token file or variable now contains another one, as
    /// after a person replaced a revoked token, so that the daemon needs no SIGHUP for it. A systemd credential
    /// changes only with a restart.
    private func reloadIfTokenReplaced(after error: any Error) {
        let status: Int? =
            switch error {
            case PlanableAPIError.api(let status, _, _, _, _): status
            case PlanableAPIError.invalidResponse(let status, _, _): status
            case let denied as WriteDeniedError: denied.status
            default: nil
            }
        guard status == 401, case .remote(_, let source) = configuration.api, let runtime else { return }
        let current: String
        do {
            // The reload reads the token again and logs what the file's permissions call for, so this read does not.
            current = try TokenReader.read(
                source, configurationPath: configuration.path, logger: Logger(label: "token-check", destination: .none))
        } catch {
            // An emptied or removed token file is a likelier cause than a revoked token, so the log names it.
            logger.warning("the API rejected the token, and the token cannot be read again", ["error": "\(error)"])
            return
        }
        guard current != runtime.token else { return }
        logger.info("the API rejected the token, and its token file or variable has a new one; reloading", [:])
        scheduleReload()
    }

    private func requestReload() {
        logger.info("reload requested", ["signal": "SIGHUP"])
        scheduleReload()
    }

    /// Wakes the work thread to load the configuration again, and ends a wait for the API's rate limit, so that a
    /// pass in progress ends after the item in flight instead of writing one more post with the old configuration.
    private func scheduleReload() {
        lock.withLock {
            reloadRequested = true
            clock.cancel()
            lock.broadcast()
        }
    }

    /// Records what a watcher reported: the paths to read again, or a whole rescan after an overflow. `rootLost`
    /// means the watcher no longer watches its root, so the work thread replaces it.
    private func markDirty(_ source: String, events: [WatchEvent], rootLost: Bool) {
        lock.withLock {
            if rootLost { lostWatches.insert(source) }
            for event in events {
                switch event.kind {
                case .overflow:
                    fullRescans.insert(source)
                case .renamed(let from):
                    dirtyPaths[source, default: []].formUnion([from, event.path])
                case .changed, .removed:
                    dirtyPaths[source, default: []].insert(event.path)
                }
            }
            lock.broadcast()
        }
    }

    /// Records that the work thread is making progress, for the watchdog.
    private func noteProgress() {
        lock.withLock { heartbeat = Date() }
    }

    private var isStopping: Bool {
        lock.withLock { stopRequested }
    }

    /// Whether the pass in progress ends after the item in flight: on a stop, and on a reload, so that a
    /// configuration that fixes a mistake applies before a long pass has written every post with the old one.
    private var shouldEndPass: Bool {
        lock.withLock { stopRequested || reloadRequested }
    }

    /// Describes `error` for a log line, with the token's file, variable or credential when the API rejected it.
    private func describe(_ error: any Error) -> String {
        "\(TokenRejectedError.attributing(error, to: runtime?.tokenOrigin))"
    }

    // MARK: Passes

    private func engine() -> SyncEngine? {
        guard let runtime else { return nil }
        // Each item done is progress for the watchdog, so a pass that syncs a large backlog at the API's rate
        // limit for longer than the stall limit is not taken for a stuck work thread.
        let engine = runtime.engine(progress: { [weak self] _, _ in self?.noteProgress() })
        engine.skippedStatusPollLevel = .debug
        removalGrace.period = configuration.deleteGracePeriod
        engine.removalGrace = removalGrace
        return engine
    }

    /// The workspace context, resolved again every ten minutes so renamed pages are noticed.
    private func currentContext(_ engine: SyncEngine) throws -> WorkspaceContext {
        if let context, Date().timeIntervalSince(contextResolvedAt) < 600 { return context }
        let resolved = try engine.resolveContext()
        context = resolved
        contextResolvedAt = Date()
        return resolved
    }

    private func fullPass(reason: String) {
        lastFullPass = nil
        feedsUnread = false
        guard let engine = engine() else { return }
        lastFullPass = runPass(engine, sources: nil, reason: reason, refreshStatus: true)
    }

    private func pass(sources: Set<String>, changedPaths: [String: Set<String>], reason: String) {
        guard let engine = engine() else { return }
        runPass(engine, sources: sources, changedPaths: changedPaths, reason: reason, refreshStatus: false)
    }

    /// Runs a pass and returns its report, or nil when it failed or was interrupted.
    @discardableResult
    private func runPass(
        _ engine: SyncEngine, sources: Set<String>?, changedPaths: [String: Set<String>] = [:], reason: String,
        refreshStatus: Bool
    ) -> RunReport? {
        _ = notifier.status("syncing (\(reason))")
        defer { updateStatus() }
        do {
            let context = try currentContext(engine)
            let report = try engine.run(
                mode: .apply, sourceNames: sources, changedPaths: changedPaths, context: context,
                refreshStatus: refreshStatus,
                shouldStop: { [weak self] in self?.shouldEndPass ?? true })
            // A blocked item needs a person, and a feed entry recorded without a post is one that a person may want
            // posted, so a pass with either is logged at the info level too.
            let changed =
                report.created + report.updated + report.deleted + report.removed + report.failed + report.blocked
                + report.baselined
            let level: LogLevel = changed > 0 ? .info : .debug
            var finished = [
                "reason": reason, "created": String(report.created), "updated": String(report.updated),
                "deleted": String(report.deleted), "removed": String(report.removed),
                "unchanged": String(report.unchanged), "skipped": String(report.skipped),
                "blocked": String(report.blocked), "failed": String(report.failed),
                "baselined": String(report.baselined),
                "requests.read": String(report.requests.read), "requests.write": String(report.requests.write),
            ]
            if report.notReached > 0 { finished["not_reached"] = String(report.notReached) }
            logger.log(level, "pass finished", finished)
            if report.notReached > 0 && !isStopping {
                // A reload cut the pass short. Its folders are scanned whole again, also when the reload fails and
                // runs no pass of its own, because the changed paths that this pass did not reach are gone.
                let folderNames = Set(folders?.sourceNames ?? [])
                lock.withLock { fullRescans.formUnion(sources.map { $0.intersection(folderNames) } ?? folderNames) }
            }
            // A new or edited post is the one most likely to be approved next, so polling starts over at 30 s.
            if report.statusChanges > 0 || report.created + report.updated > 0 { noteStatusChange() }
            let retriesItems = report.items.contains { $0.failedTemporarily == true }
            // A pass over changed files only leaves a scheduled retry in place, because the items that the retry
            // reads again were not part of this pass.
            notePassSucceeded(clearingRetry: !retriesItems && changedPaths.isEmpty)
            if retriesItems {
                // Nothing else would read an item that failed on a server error or a time-out again before its
                // file changes or the periodic rescan, which may be off, so a full pass follows after a back-off.
                scheduleRetry()
            }
            return report
        } catch let error as PlanableAPIError where error.code == nil && isStopping {
            logger.info("pass interrupted by stop", ["reason": reason])
        } catch let error as StateNotLinkedError {
            logger.info(
                "pass waits for the full pass that links the new state", ["reason": reason, "error": "\(error)"])
            notePassFailed(error)
        } catch PlanableAPIError.cancelled where shouldEndPass {
            // A reload cut the pass short before it read its sources. The reload's own pass reads them. A reload that
            // fails runs no pass, so the folders are then scanned whole and the feeds are polled at once.
            logger.info("pass interrupted by reload", ["reason": reason])
            if sources == nil { feedsUnread = true }
            let folderNames = Set(folders?.sourceNames ?? [])
            lock.withLock { fullRescans.formUnion(sources.map { $0.intersection(folderNames) } ?? folderNames) }
        } catch {
            logger.error(
                "pass failed; the next change or poll tries again", ["reason": reason, "error": describe(error)])
            context = nil
            notePassFailed(error)
        }
        return nil
    }

    /// Reads the validators of feed `name` from the state and fetches the feed on a thread of its own, which hands
    /// the result to the work thread.
    private func startFeedFetch(_ name: String) {
        guard let feed = runtime?.sources().first(where: { $0.name == name }) as? FeedSource, let runtime else {
            scheduleFeedPoll(name, failures: feedSchedule[name]?.failures ?? 0)
            return
        }
        let validators = feed.validators(state: runtime.state)
        let generation = lock.withLock {
            fetchingFeeds.insert(name)
            return feedGeneration
        }
        Thread.detachNewThread { [weak self] in
            let fetched = feed.prefetch(validators: validators)
            guard let self else { return }
            self.lock.withLock {
                guard self.feedGeneration == generation else { return }
                self.fetchingFeeds.remove(name)
                self.fetchedFeeds[name] = fetched
                self.lock.broadcast()
            }
        }
        updateStatus()
    }

    private func pollFeed(_ name: String, fetched: PrefetchedFeed) {
        guard let engine = engine() else {
            scheduleFeedPoll(name, failures: feedSchedule[name]?.failures ?? 0)
            return
        }
        engine.prefetchedFeeds = [name: fetched]
        var failures = feedSchedule[name]?.failures ?? 0
        var failure: String?
        _ = notifier.status("polling feed \(name)")
        do {
            let report = try engine.run(
                mode: .apply, sourceNames: [name], context: try currentContext(engine), refreshStatus: false,
                shouldStop: { [weak self] in self?.shouldEndPass ?? true })
            failure = Self.feedFailure(report, source: name, url: feedSettings(name)?.url)
            failures = failure == nil ? 0 : failures + 1
            if problems.passError?.feed == name { problems.passError = nil }
            noteFailedItems()
            if report.created + report.updated > 0 { noteStatusChange() }
            if report.created + report.updated + report.baselined > 0 {
                logger.info(
                    "feed polled",
                    [
                        "source": name, "created": String(report.created), "updated": String(report.updated),
                        "baselined": String(report.baselined),
                    ])
            }
        } catch let error as PlanableAPIError where error.code == nil && isStopping {
            logger.info("feed poll interrupted by stop", ["source": name])
        } catch let error as StateNotLinkedError {
            // This is no failure of the feed. A full pass, which a retry runs after a back-off, links the new state
            // and reads every feed.
            logger.info("feed poll waits for the linking of the new state", ["source": name, "error": "\(error)"])
            notePassFailed(error)
        } catch {
            failures += 1
            failure = describe(error)
            logger.error("feed poll failed", ["source": name, "error": describe(error)])
            problems.passError = (DaemonProblems.summary(error), name)
            reloadIfTokenReplaced(after: error)
        }
        scheduleFeedPoll(name, failures: failures, error: failure)
        updateStatus()
    }

    /// Schedules the next poll of feed `name` one interval from now, or after a back-off when its last `failures`
    /// polls failed, the last with `error`.
    private func scheduleFeedPoll(_ name: String, failures: Int, error: String? = nil) {
        lock.withLock { feedSchedule[name] = nextFeedPoll(name, failures: failures, error: error) }
    }

    /// Returns when feed `name` is polled next, and logs a back-off after failed polls.
    private func nextFeedPoll(_ name: String, failures: Int, error: String?) -> (next: Date, failures: Int) {
        let interval = feedInterval(name)
        let base = failures == 0 ? interval : min(Self.maximumFeedBackoff, interval * pow(2, Double(failures)))
        // Up to 10 % jitter keeps many daemons from polling one publisher in step.
        let next = Date().addingTimeInterval(base * Double.random(in: 0.9...1.1))
        if failures > 0 {
            // The feed's error message promises another try at the next run, which the daemon delays further after
            // each failure. The pass logs a failure already recorded in the state at debug level only, so this line
            // repeats the error.
            var fields = [
                "source": name, "failures": String(failures), "next_poll": Timestamp.format(next, fractional: false),
            ]
            if let error { fields["error"] = error }
            logger.info("next feed poll delayed by a back-off that doubles with each failed poll", fields)
        }
        return (next, failures)
    }

    private func pollStatus() {
        guard let runtime else { return }
        _ = notifier.status("polling post status")
        var changes = 0
        do {
            let context = try currentContext(runtime.engine())
            // A post deleted in Planable is no sign that others change soon, so it does not shorten the wait.
            changes = try StatusFollower(
                client: runtime.client, state: runtime.state, logger: logger,
                readBudget: configuration.statusReadBudget
            ).refresh(workspaceId: context.workspace.id).filter { !$0.isDeletion }.count
            problems.statusPollError = nil
            noteFailedItems()
        } catch PlanableAPIError.cancelled where shouldEndPass {
            // A stop or reload ended the poll's wait for the rate limit; the next poll reads the rest.
            logger.info("status poll interrupted", [:])
        } catch {
            logger.warning("status poll failed", ["error": describe(error)])
            problems.statusPollError = DaemonProblems.summary(error)
            reloadIfTokenReplaced(after: error)
        }
        if changes > 0 {
            noteStatusChange()
        } else {
            statusInterval = min(Self.statusIntervalRange.upperBound, statusInterval * 2)
        }
        lock.withLock { nextStatusPoll = Date().addingTimeInterval(statusInterval) }
        updateStatus()
    }

    /// Polls status sooner after a change, since an approval often comes with others.
    private func noteStatusChange() {
        statusInterval = Self.statusIntervalRange.lowerBound
        // A poll already due sooner stays as it is, so that frequent passes do not keep pushing it back.
        lock.withLock { nextStatusPoll = min(nextStatusPoll, Date().addingTimeInterval(statusInterval)) }
    }

    // MARK: Sources

    /// Starts watching the folders of the current configuration.
    private func startWatchers() {
        let folders = FolderWatchSet(sources: configuration.sources, logger: logger) { [weak self] name, events, lost in
            self?.markDirty(name, events: events, rootLost: lost)
        }
        folders.startAll()
        self.folders = folders
    }

    private func scheduleRescan() {
        let interval = configuration.rescanInterval
        lock.withLock { nextRescan = interval > 0 ? Date().addingTimeInterval(interval) : nil }
    }

    /// Sends the STATUS= line: what is watched and polled, then what is wrong, such as folders without a watch.
    private func updateStatus() {
        if let count = try? runtime?.state.readFailures().count { problems.readFailures = count }
        // The feeds are counted from the configuration, because their schedule is made only after the first pass.
        let feeds = configuration.sources.filter { if case .feed = $0.kind { true } else { false } }.count
        let (retrying, fetching) = lock.withLock { (passRetry != nil, fetchingFeeds.sorted()) }
        let line = problems.statusLine(
            watched: folders?.watchedCount ?? 0, unwatched: folders?.unwatchedCount ?? 0, feeds: feeds,
            retrying: retrying, fetching: fetching)
        _ = notifier.status(line)
    }

    /// Logs what the daemon watches and polls once the full pass of a start or reload ended, so that an operator
    /// sees that it is ready also when the pass had nothing to do and logged nothing.
    private func logReady(after reason: String) {
        let feeds = lock.withLock { feedSchedule.keys.sorted() }
        let rescan = configuration.rescanInterval
        var metadata = [
            "reason": reason, "folders.watched": String(folders?.watchedCount ?? 0),
            "feeds.polled": String(feeds.count),
            "rescan_interval_seconds": rescan > 0 ? Self.seconds(rescan) : "0 (off)",
            "status.poll_interval_seconds":
                "\(Self.seconds(Self.statusIntervalRange.lowerBound)), doubling up to "
                + "\(Self.seconds(Self.statusIntervalRange.upperBound)) while no status changes",
        ]
        if let unwatched = folders?.unwatchedCount, unwatched > 0 {
            metadata["folders.unwatched"] = String(unwatched)
        }
        // The daemon watches and polls after a failed pass too, and retries it, so the line includes the error.
        if let passError = problems.passError { metadata["pass.error"] = passError.message }
        if !feeds.isEmpty {
            metadata["feeds.poll_interval_seconds"] = feeds.map { "\($0)=\(Self.seconds(feedInterval($0)))" }
                .joined(separator: ", ")
        }
        logger.info("daemon ready; watching folders and polling feeds", metadata)
        let minimum = Self.seconds(Self.minimumFeedInterval)
        for source in configuration.sources {
            guard case .feed(_, _, let interval, _) = source.kind, interval < Self.minimumFeedInterval else { continue }
            logger.warning(
                "feed poll_interval is below the minimum, so the daemon polls the feed every \(minimum) seconds; "
                    + "set poll_interval to \(minimum) or more",
                ["source": source.name, "poll_interval": Self.seconds(interval)])
        }
    }

    /// Formats a number of seconds without a fraction when it has none.
    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// Clears the pass error and, when `clearingRetry` is true, any scheduled retry and its back-off.
    private func notePassSucceeded(clearingRetry: Bool) {
        problems.passError = nil
        // The API responded to this pass, so a status poll that failed before, whose back-off may have grown to 15
        // minutes, runs again soon and replaces its error in the STATUS= line.
        if problems.statusPollError != nil { noteStatusChange() }
        if clearingRetry {
            passRetryDelay = Self.statusIntervalRange.lowerBound
            lock.withLock { passRetry = nil }
        }
        noteFailedItems()
    }

    /// Counts the items whose last sync failed or is blocked, and the posts whose publication failed, as the state
    /// database records them, for the status line. Counting queries run after each pass and status poll, because
    /// loading every item there slowed a large tree's passes.
    private func noteFailedItems() {
        if let counts = try? runtime?.state.itemCountsByStatus() {
            problems.failedItems = counts["failed"] ?? 0
            problems.blockedItems = counts["blocked"] ?? 0
        }
        if let failedPosts = try? runtime?.state.failedPostCount() { problems.failedPosts = failedPosts }
    }

    /// Records why a pass failed for the status line, and runs a full pass again after a back-off when the error
    /// may pass by itself.
    private func notePassFailed(_ error: any Error) {
        problems.passError = (DaemonProblems.summary(error), nil)
        reloadIfTokenReplaced(after: error)
        // A new state waits for a full pass to link it, which nothing else runs, whatever made the last one fail.
        let awaitsLinking = runtime.map { (try? $0.state.awaitsLinking()) ?? true } ?? false
        guard PassFailure.mayPassByItself(error) || awaitsLinking else { return }
        scheduleRetry()
    }

    /// Brings a scheduled retry of a failed pass forward to now, once a request reached the API again after an
    /// outage, so that the files changed meanwhile do not wait out a back-off of up to 15 minutes. Runs on the
    /// thread of the request, while the daemon's lock is free.
    private func retryPendingPassNow() {
        lock.withLock {
            guard passRetry != nil else { return }
            passRetry = Date()
            lock.broadcast()
        }
    }

    /// Runs a full pass again after the back-off, which doubles with each retry until a pass succeeds.
    private func scheduleRetry() {
        // A retry already scheduled is kept, so that frequent feed polls or file changes do not push it back.
        guard lock.withLock({ passRetry == nil }) else { return }
        let delay = passRetryDelay
        passRetryDelay = min(Self.statusIntervalRange.upperBound, passRetryDelay * 2)
        lock.withLock { passRetry = Date().addingTimeInterval(delay) }
    }

    /// Schedules every feed's next poll after the full pass of a start or reload, which read every feed.
    private func scheduleFeeds() {
        var schedule: [String: (next: Date, failures: Int)] = [:]
        for source in configuration.sources {
            guard case .feed(let url, _, _, _) = source.kind else { continue }
            // The next fetch waits one interval, spread by jitter, or two after a failed read, as after a failed poll.
            let failure = lastFullPass.flatMap { Self.feedFailure($0, source: source.name, url: url) }
            schedule[source.name] =
                feedsUnread ? (Date(), 0) : nextFeedPoll(source.name, failures: failure == nil ? 0 : 1, error: failure)
        }
        lastFullPass = nil
        feedsUnread = false
        lock.withLock {
            feedSchedule = schedule
            feedGeneration += 1
            fetchedFeeds = [:]
            fetchingFeeds = []
        }
    }

    /// The shortest wait between two polls of one feed, in seconds, whatever its `poll_interval`, so that a typo
    /// does not poll a publisher many times a second.
    static let minimumFeedInterval = 10.0

    /// Returns the URL and `poll_interval` of feed source `name`, or nil when no feed source has that name.
    private func feedSettings(_ name: String) -> (url: String, pollInterval: Double)? {
        for source in configuration.sources where source.name == name {
            if case .feed(let url, _, let interval, _) = source.kind { return (url, interval) }
        }
        return nil
    }

    /// Returns why feed `source` could not be read in `report`'s pass, or nil when it was read, so that a failed read
    /// makes the next poll wait longer. A feed that could not be fetched is an unread source of the report, and one
    /// that is no feed, or that was rejected whole, is a failed item named by its URL. A failed entry of a feed read
    /// whole is no failed read.
    static func feedFailure(_ report: RunReport, source: String, url: String?) -> String? {
        if let message = report.unreadSources[source] { return message }
        // The report names the feed by its URL with the password redacted.
        let shownURL = url.map(URLCredentials.redactingPassword(in:))
        let wholeFeed = report.items.first { $0.source == source && $0.decision == .failed && $0.identity == shownURL }
        guard let item = wholeFeed else { return nil }
        return item.message ?? "the feed could not be read"
    }

    private func feedInterval(_ name: String) -> Double {
        feedSettings(name).map { max(Self.minimumFeedInterval, $0.pollInterval) } ?? 900
    }

    // MARK: Reload and watchdog

    /// Loads the configuration again. A broken configuration, or one that names another workspace than the state
    /// database's, is logged and shown in the status line, and the running one is kept.
    private func reload() {
        _ = notifier.reloading()
        let running = (configuration: configuration, logger: logger)
        var replaced = false
        do {
            let loaded = try Configuration.load(path: configurationPath)
            try Self.checkTemplates(loaded)
            stopWatchers()
            runtime = nil
            replaced = true
            configuration = loaded
            logger = makeLogger(level: logLevelOverride ?? loaded.logLevel)
            runtime = try Runtime(configuration: loaded, logger: logger, exclusive: true, clock: clock)
            context = nil
            try checkWorkspace()
            problems.reloadError = nil
            logger.info("configuration reloaded", ["config": configurationPath])
            startWatchers()
            fullPass(reason: "reload")
            scheduleFeeds()
            scheduleRescan()
            if !isStopping { logReady(after: "reload") }
        } catch {
            if let error = error as? ConfigurationError, error.problems.count > 1 {
                problems.reloadError = "\(error.problems[0]) (and \(error.problems.count - 1) more, see the log)"
            } else {
                problems.reloadError = "\(error)"
            }
            if replaced {
                runtime = nil
                context = nil
                configuration = running.configuration
                logger = running.logger
            }
            logger.error(
                "configuration reload failed; keeping the running configuration",
                ["config": configurationPath, "error": "\(error)"])
            if runtime == nil {
                runtime = try? Runtime(configuration: configuration, logger: logger, exclusive: true, clock: clock)
                startWatchers()
                // The folders went unwatched while the reload was checked, so each is scanned whole once.
                let names = folders?.sourceNames ?? []
                lock.withLock { fullRescans.formUnion(names) }
            }
        }
        // A stop during the reload ends the daemon next, and STOPPING=1 follows instead.
        if !isStopping {
            _ = notifier.ready()
            updateStatus()
        }
    }

    /// Rejects a configuration whose every pass would fail: one whose api url names another server, one that names a
    /// workspace or page that the API does not know, or whose state database belongs to another workspace. When the API cannot be reached yet, the first
    /// pass checks them instead.
    private func checkWorkspace() throws {
        guard let engine = engine() else { return }
        let context: WorkspaceContext
        do {
            context = try currentContext(engine)
        } catch let error as MappingError where error.isConfigurationError {
            throw error
        } catch let error as PlanableAPIError where error.showsWrongAPIURL {
            throw error
        } catch {
            return
        }
        if let mismatch = try runtime?.state.workspaceMismatch(context.workspace, configurationPath: configurationPath)
        {
            throw mismatch
        }
    }

    /// Rejects a configuration with a template that does not compile, which would fail every pass, as a
    /// configuration error: at start the daemon stops with 78, and a reload keeps the running configuration.
    private static func checkTemplates(_ configuration: Configuration) throws {
        let problems = TemplateCheck.syntaxProblems(configuration)
        guard let first = problems.first else { return }
        let more = problems.count > 1 ? " (and \(problems.count - 1) more; run planable-sync check to list them)" : ""
        throw MappingError(first + more, isConfigurationError: true)
    }

    /// Stops every watcher and discards the losses they reported, because they belong to the old configuration.
    private func stopWatchers() {
        folders?.stopAll()
        folders = nil
        lock.withLock { lostWatches = [] }
    }

    /// Asks systemd for 90 more seconds of start-up time every 30 seconds until cancelled.
    private func startStartupExtension() -> DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "planable-sync.startup"))
        timer.schedule(deadline: .now() + 30, repeating: 30)
        timer.setEventHandler { [notifier] in _ = notifier.extendTimeout(90) }
        timer.resume()
        return timer
    }

    /// Pings the systemd watchdog at half its interval while the work thread is alive.
    ///
    /// A pass that waits out a rate-limit window can take a minute, so the work thread counts as alive while its
    /// heartbeat, which each finished item or piece of work renews, is younger than `stallLimit`. systemd restarts a
    /// thread stuck longer than that.
    private func startWatchdog() -> DispatchSourceTimer? {
        guard let interval = notifier.watchdogInterval else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "planable-sync.watchdog"))
        timer.schedule(deadline: .now() + interval / 2, repeating: interval / 2)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            let age = self.lock.withLock { Date().timeIntervalSince(self.heartbeat) }
            if age < max(Self.stallLimit, interval * 2) { _ = self.notifier.watchdogPing() }
        }
        timer.resume()
        return timer
    }
}

/// `run`'s entry point: parses the options and starts the daemon.
enum DaemonCommand {
    static func run(_ arguments: [String]) throws -> ExitCode {
        let parsed = try ParsedArguments(arguments)
        if !parsed.positional.isEmpty { throw UsageError(message: "unexpected argument \(parsed.positional[0])") }
        // The shared parser accepts these options for every command. Ignored here, `--dry-run` would let a daemon
        // meant as a preview send its writes.
        if parsed.dryRun {
            throw UsageError(
                message: "run takes no --dry-run, because the daemon always sends its writes. "
                    + "Preview them with planable-sync plan")
        }
        if parsed.format != "text" {
            throw UsageError(message: "run prints no report, so it takes no --format \(parsed.format)")
        }
        if parsed.output != nil {
            throw UsageError(message: "run writes only logs, to standard error, so it takes no --output")
        }
        let configuration = try loadConfiguration(parsed)
        let logger = makeLogger(parsed, configuration: configuration)
        let daemon = SyncDaemon(
            configuration: configuration, configurationPath: configuration.path, logger: logger,
            logLevelOverride: parsed.logLevel)
        return try daemon.run()
    }
}
