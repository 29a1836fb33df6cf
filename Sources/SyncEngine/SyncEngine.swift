import Foundation
import Logging
import Networks
import PlanableAPI

/// A source of items that the engine scans once per pass.
package protocol ItemSource: Sendable {
    var name: String { get }
    /// Reads the source's current items. `state` lets a source skip what did not change since the last pass, and
    /// `timeZone`, the workspace's, completes dates written without one.
    func scan(state: StateStore, timeZone: TimeZone) -> SourceScan
}

/// Whether a run sends writes.
package enum RunMode: Sendable {
    /// Create and update posts.
    case apply
    /// Decide and render only; no write request is sent.
    case plan
}

/// One pass of the main job: reconcile interrupted creates, scan the sources, map each item and apply the plan.
package final class SyncEngine: @unchecked Sendable {
    let configuration: Configuration
    let state: StateStore
    let client: PlanableClient
    let sources: [any ItemSource]
    let logger: Logger
    let mediaChecker: MediaChecker
    /// Label and campaign names, resolved once per run.
    var names: NameResolver?
    /// The items whose create lost its answer, as "source NUL identity", read once per plan.
    var interruptedCreates: Set<String> = []
    /// Called after each item, with the count done and the total, for progress output.
    var progress: (@Sendable (Int, Int) -> Void)?
    /// The level of the log line of a status poll that `status_interval` skipped. The daemon polls statuses on a
    /// schedule of its own, which that interval does not govern, so the line would mislead in its log.
    package var skippedStatusPollLevel: LogLevel = .info
    /// The daemon's waits before the drafts of a removed file are deleted, nil for `sync` and `plan`, which delete
    /// at once because their scan is one snapshot.
    package var removalGrace: RemovalGrace?
    /// Feeds fetched before the pass, by source name, such as the one that the daemon fetched on another thread.
    package var prefetchedFeeds: [String: PrefetchedFeed] = [:]
    /// The feed entries that the linking of a new state recorded without a post in this pass, by source, as
    /// identity and title, so that the pass reports them as baselined instead of unchanged.
    var linkedWithoutPost: [String: [String: String]] = [:]

    package init(
        configuration: Configuration, state: StateStore, client: PlanableClient, sources: [any ItemSource],
        logger: Logger, mediaReach: MediaChecker.Reach = .everyHost, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.state = state
        self.client = client
        self.sources = sources
        self.logger = logger
        self.mediaChecker = MediaChecker(state: state, reach: mediaReach, enabled: configuration.checkMedia)
        self.progress = progress
    }

    /// Runs one pass and returns its report.
    ///
    /// - Throws: `MappingError` for a configuration the API contradicts (an unknown page) or a state database of
    ///   another workspace, `PlanableAPIError` when the API cannot be reached at all, `SourceError` when a feed
    ///   that a new state database must link cannot be read, and `StateError` when the state cannot be written.
    ///   `WriteDeniedError` ends the run at the first write that the API rejects with 401 or 403.
    ///
    /// - Parameters:
    ///   - sourceNames: the sources to scan; nil scans every source.
    ///   - changedPaths: for directory sources, the paths a watcher reported; a source not listed is scanned whole.
    ///   - context: the resolved workspace and pages, when the caller keeps them between passes.
    ///   - refreshStatus: whether the pass ends by polling the status of unpublished posts.
    ///   - shouldStop: checked between items; when it returns true the pass ends after the item in flight.
    package func run(
        mode: RunMode, sourceNames: Set<String>? = nil, changedPaths: [String: Set<String>] = [:],
        context: WorkspaceContext? = nil, refreshStatus: Bool = true,
        shouldStop: @Sendable () -> Bool = { false }
    ) throws -> RunReport {
        // `status` shows the failure of the last run beside the time of the last one that completed, so that a
        // cron job whose runs all fail does not look as if it were up to date.
        do {
            let report = try runPass(
                mode: mode, sourceNames: sourceNames, changedPaths: changedPaths, context: context,
                refreshStatus: refreshStatus, shouldStop: shouldStop)
            // A pass over one feed or a few changed files shows nothing about the sources it did not read.
            if mode == .apply && sourceNames == nil && changedPaths.isEmpty { try? state.clearRunFailure() }
            return report
        } catch let error as StateOfAnotherWorkspace {
            // The state belongs to another configuration's client, whose `status` would report this failure.
            throw error.error
        } catch {
            // A stop is no failure of the run.
            if case PlanableAPIError.cancelled = error { throw error }
            if mode == .apply { try? state.recordRunFailure("\(error)") }
            throw error
        }
    }

    private func runPass(
        mode: RunMode, sourceNames: Set<String>?, changedPaths: [String: Set<String>], context: WorkspaceContext?,
        refreshStatus: Bool, shouldStop: @Sendable () -> Bool
    ) throws -> RunReport {
        var report = RunReport(command: mode == .apply ? "sync" : "plan")
        // A pass that ends before it scans a feed leaves its linked entries unreported, and later passes count them
        // as unchanged.
        defer { linkedWithoutPost = [:] }
        let startStatistics = client.requestStatistics
        let context = try context ?? resolveContext()
        report.timeZone = context.workspace.timezone
        if let mismatch = try state.workspaceMismatch(context.workspace, configurationPath: configuration.path) {
            throw StateOfAnotherWorkspace(error: mismatch)
        }
        if mode == .apply {
            try state.recordWorkspace(context.workspace)
            try state.recordPageNames(context.allPages)
            // A pass over some sources, such as the daemon's pass over changed files, may be the first to succeed
            // after a new configuration or a new state. So it hands a renamed source's records over too, and on a
            // new state that needs linking it sends nothing, since it would create what the posts already hold.
            try adoptRenamedSources()
        }
        let mapper = try Mapper(configuration: configuration, context: context)
        names = NameResolver(
            client: client, workspaceId: context.workspace.id, createLabels: configuration.createLabels, logger: logger)

        interruptedCreates =
            mode == .plan ? Set(try state.pendingIntents().map { "\($0.source)\u{0}\($0.identity)" }) : []
        if mode == .apply {
            report.duplicateGroups = try reconcileIntents(
                workspaceId: context.workspace.id, checkRecorded: sourceNames == nil)
            try adoptExistingPostsIfStateIsNew(context: context, partial: sourceNames != nil, shouldStop: shouldStop)
        } else if sourceNames == nil, let preview = try previewRenames() {
            defer {
                for suffix in ["", "-wal", "-shm"] {
                    try? FileManager.default.removeItem(atPath: preview.path + suffix)
                }
            }
            return try plan(
                against: preview, context: context, since: startStatistics, refreshStatus: refreshStatus,
                shouldStop: shouldStop)
        } else if sourceNames == nil, let preview = try previewAdoption(context: context) {
            return try plan(
                against: preview, context: context, since: startStatistics, refreshStatus: refreshStatus,
                shouldStop: shouldStop)
        }

        var scanned: [SourceItem] = []
        // Report messages of items whose identity changed in this pass, by source and identity.
        var identityMessages: [String: String] = [:]
        var commits: [(source: String, commit: @Sendable (StateStore) throws -> Void)] = []
        var alwaysCommits: [@Sendable (StateStore) throws -> Void] = []
        var unstoppedCommits: [@Sendable (StateStore) throws -> Void] = []
        // The sources whose every item this run maps, which are those scanned whole and read without failure, with
        // no subfolder or file left unread.
        var mappedWhole = Set<String>()
        if mode == .apply && sourceNames == nil {
            // A source removed from the configuration is never scanned again, so nothing else would clear its rows.
            try state.deleteReadFailures(exceptSources: Set(configuration.sources.map(\.name)))
        }
        let scannedSources = sources.filter { sourceNames?.contains($0.name) ?? true }
        let prefetched = try prefetchFeeds(scannedSources, shouldStop: shouldStop)
        for source in scannedSources {
            var scan: SourceScan
            if var directory = source as? DirectorySource, let paths = changedPaths[source.name] {
                directory.onlyPaths = paths
                scan = directory.scan(state: state, timeZone: context.timeZone)
            } else {
                var whole = source
                if var feed = source as? FeedSource, let fetched = prefetched[source.name] {
                    feed.prefetched = fetched
                    whole = feed
                }
                scan = whole.scan(state: state, timeZone: context.timeZone)
                if !scan.missedPaths && !scan.errors.contains(where: { $0.identity == nil }) {
                    mappedWhole.insert(source.name)
                }
            }
            for (identity, message) in try moveChangedIdentities(&scan, source: source.name, mode: mode) {
                identityMessages["\(source.name)\u{0}\(identity)"] = message
            }
            try matchRenames(&scan, source: source.name, mode: mode)
            // Before the mass-removal guard, which holds removals by emptying the list although the files are gone.
            let back =
                removalGrace?.releaseFound(
                    source: source.name, scannedPaths: changedPaths[source.name], removed: Set(scan.removedIdentities))
                ?? []
            try holdMassRemoval(&scan, source: source.name)
            for identity in back {
                logger.info(
                    "file of an item with drafts is back within delete_grace_period, so its drafts are kept",
                    ["item.source": source.name, "item.id": identity])
            }
            for identity in scan.removedIdentities {
                if mode == .apply, try holdsRemoval(source: source.name, identity: identity) { continue }
                do {
                    if let reported = try handleRemoved(source: source.name, identity: identity, mode: mode) {
                        report.add(reported)
                    }
                } catch {
                    throw WriteDeniedError(error, workspace: context.workspace.name) ?? error
                }
                removalGrace?.release(source: source.name, identity: identity)
            }
            scanned += scan.items
            for skipped in scan.skipped {
                report.add(
                    ReportedItem(
                        source: source.name, identity: skipped.identity, title: "", decision: .skipped,
                        message: skipped.reason, posts: []))
                if mode == .apply { try noteSkippedFile(source: source.name, path: skipped.identity, skipped.reason) }
            }
            reportLinkedWithoutPost(&scan, source: source.name)
            report.countUnchanged(scan.unchangedIdentities.count + scan.unchangedUnlistedCount)
            report.warnings += scan.warnings
            for entry in scan.baselined {
                let post = ForgetCommandLine.post(
                    source: source.name, identity: entry.identity, configurationPath: configuration.path)
                let reason = entry.message ?? "recorded without a post"
                let message = "\(reason); if it is to be posted, `\(post)` has the next sync create its post"
                report.add(
                    ReportedItem(
                        source: source.name, identity: entry.identity, title: entry.title, decision: .baselined,
                        message: message, posts: []))
            }
            for entry in scan.baselinedEdits {
                report.add(
                    ReportedItem(
                        source: source.name, identity: entry.identity, title: entry.title, decision: .baselined,
                        message: "changed since it was recorded without a post; the change is recorded, and the entry "
                            + "stays without a post", posts: []))
            }
            if let commit = scan.commit { commits.append((source.name, commit)) }
            if let commit = scan.commitAlways { alwaysCommits.append(commit) }
            if let commit = scan.commitUnlessStopped { unstoppedCommits.append(commit) }
            // A failure that the state already contains with the same message, and that this process logged, was
            // logged as an error when a scan first met it, and `status` lists it. So each rescan of an unchanged
            // broken file logs it at debug level, and a restarted daemon logs it as an error once more.
            let known = mode == .apply ? try recordReadFailures(scan, source: source.name) : []
            for (index, error) in scan.errors.enumerated() {
                var fields = ["item.source": error.source, "error": error.message]
                if let identity = error.identity { fields["item.id"] = identity }
                if let location = error.location { fields["item.location"] = location }
                let level: LogLevel = known.contains(index) ? .debug : .error
                logger.log(level, error.identity == nil ? "source read failed" : "item read failed", fields)
                if error.isDataError || error.identity != nil {
                    // A whole feed or folder that failed is named by its location, such as the feed's URL.
                    report.add(
                        ReportedItem(
                            source: error.source, identity: error.identity ?? error.location ?? "", title: "",
                            decision: .failed, message: error.message, posts: []))
                } else {
                    report.errors.append(error.message)
                    if error.identity == nil { report.unreadSources[error.source] = error.message }
                }
            }
        }

        for (index, item) in scanned.enumerated() {
            if shouldStop() {
                report.notReached = scanned.count - index
                break
            }
            var reported: ReportedItem
            do {
                reported = try process(item, mapper: mapper, context: context, mode: mode)
            } catch PlanableAPIError.cancelled where shouldStop() {
                // A stop cut a wait for the rate limit or a retry short. The item keeps its state for the next
                // run, and the report lists the items before it.
                report.notReached = scanned.count - index
                break
            }
            if let message = identityMessages["\(item.source)\u{0}\(item.identity)"] {
                reported.message = [message, reported.message].compactMap { $0 }.joined(separator: "; ")
            }
            report.add(reported)
            progress?(index + 1, scanned.count)
        }
        if mode == .apply {
            for commit in alwaysCommits { try commit(state) }
        }
        if mode == .apply && !shouldStop() {
            for commit in unstoppedCommits { try commit(state) }
            for (source, commit) in commits
            where !report.items.contains(where: { $0.source == source && $0.decision == .failed }) {
                try commit(state)
            }
            // A source that could not be read, or was scanned in part, was not mapped with this configuration, so
            // its fingerprint waits for a run that reads it whole, which then maps all of its items again.
            for source in mappedWhole {
                try state.setMappingFingerprint(configuration.mappingFingerprint, source: source)
            }
            try state.setSetting("last_run", StateStore.timestamp())
        }
        if mode == .apply && refreshStatus && !shouldStop() {
            report.statusPoll = pollStatus(context: context, report: &report)
        }
        let statistics = client.requestStatistics
        report.requests = .init(
            read: statistics.read - startStatistics.read, write: statistics.write - startStatistics.write,
            rateLimited: statistics.rateLimited - startStatistics.rateLimited)
        return report
    }

    /// Resolves the configuration's workspace and pages through the API.
    package func resolveContext() throws -> WorkspaceContext {
        try WorkspaceResolver.resolve(configuration, client: client)
    }

    // MARK: Items

    /// Maps and applies one item and reports its failure in the returned item. A write that the token may not make
    /// throws `WriteDeniedError` instead, which ends the run, because every later write would fail the same way.
    private func process(
        _ item: SourceItem, mapper: Mapper, context: WorkspaceContext, mode: RunMode
    ) throws
        -> ReportedItem
    {
        var reported = ReportedItem(
            source: item.source, identity: item.identity, title: item.title, decision: .unchanged, message: nil,
            posts: [])
        let groups: [PlannedGroup]
        do {
            if let reason = try mapper.skipReason(for: item) {
                reported.decision = .skipped
                reported.message = reason
                if mode == .apply, !item.isFeedEntry,
                    let record = try state.item(source: item.source, identity: item.identity)
                {
                    try noteSkip(record, reason)
                }
                return reported
            }
            let mediaBaseURL = configuration.sources.first { $0.name == item.source }?.mediaBaseURL
            let (media, mediaWarnings) = try mediaChecker.check(
                item.media, mediaBaseURL: mediaBaseURL, optionalLimit: item.optionalMediaLimit)
            // The skip was decided above, before the media check, so the plan sets no skip reason here.
            let plan: ItemPlan
            do {
                plan = try mapper.plan(item, media: media)
            } catch let error as MappingError where !mediaWarnings.isEmpty && !error.isConfigurationError {
                // A network that needs a picture fails the item, and the media left out may be why, such as an SVG
                // logo, so the failure names them.
                var explained = error
                explained.message += "; " + mediaWarnings.joined(separator: "; ")
                throw explained
            }
            groups = plan.groups.map { group in
                var group = group
                group.warnings = mediaWarnings + group.warnings
                return group
            }
        } catch {
            let message = "\(error)"
            logger.error(
                "item mapping failed", ["item.source": item.source, "item.id": item.identity, "error": message])
            reported.decision = .failed
            reported.message = message.hasPrefix(item.source) ? message : "\(item.source): \(item.location): \(message)"
            if mode == .apply { recordFailure(item, message: reported.message ?? message) }
            return reported
        }
        reported.posts = groups.map { group in
            var post = ReportedPost(
                pages: group.pages.map(\.name), networks: group.pages.map(\.platform), text: group.payload.text,
                characters: group.pages.map {
                    NetworkCheck.count(group.payload.text, network: Network(platform: $0.platform))
                }
                .max() ?? 0,
                media: group.payload.media, postIds: [], warnings: group.warnings,
                scheduledAt: group.payload.scheduledAt, labels: group.payload.labels, campaign: group.payload.campaign)
            post.publishAtScheduledDate = group.payload.publishAtScheduledDate
            post.firstComment = group.payload.firstComment
            post.internalNote = group.payload.internalNote
            post.teamOnly = group.payload.teamOnly
            post.youtubeTitle = group.payload.youtubeTitle
            post.linkedinPdfTitle = group.payload.linkedinPdfTitle
            post.linkedinVideoTitle = group.payload.linkedinVideoTitle
            post.pinterest = group.payload.pinterest
            post.notify = configuration.notify
            return post
        }

        do {
            let stateIdentity = item.previousIdentity ?? item.identity
            let existing = try state.posts(source: item.source, identity: stateIdentity)
            var record =
                try state.item(source: item.source, identity: stateIdentity)
                ?? ItemRecord(
                    source: item.source, identity: item.identity, title: item.title, status: "pending",
                    publishedEditReported: false)
            var decisions: [ItemDecision] = []
            var messages: [String] = []
            var blocksSettled = true
            var mapsAgain = false
            for (index, group) in groups.enumerated() {
                let outcome = try apply(
                    group, item: item, existing: existing, record: &record, context: context, mode: mode)
                decisions.append(outcome.decision)
                if outcome.mapsAgain { mapsAgain = true }
                if outcome.decision == .blocked && !outcome.isSettled { blocksSettled = false }
                // Groups blocked for the same reason give the same message, which the report names once.
                if let message = outcome.message, !messages.contains(message) { messages.append(message) }
                reported.posts[index].postIds = outcome.postIds
                reported.posts[index].decision = outcome.decision
                reported.posts[index].clearedByUpdate = outcome.cleared.isEmpty ? nil : outcome.cleared.reportKeys
                reported.posts[index].warnings += outcome.warnings
            }
            let unmanaged = Self.unmanagedPostsNote(existing: existing, groups: groups, item: item, context: context)
            if let unmanaged {
                messages.append(unmanaged)
                // Logged when the note is new, as a blocked item is, so the daemon's log names the posts once.
                if mode == .apply, record.lastError?.contains(unmanaged) != true {
                    logger.warning(
                        "item no longer goes to pages that have its posts; those posts are kept",
                        ["item.source": item.source, "item.id": item.identity, "reason": unmanaged])
                }
            }
            reported.decision = Self.combine(decisions)
            reported.message = messages.isEmpty ? nil : messages.joined(separator: "; ")
            // A warning such as a past schedule or a media file left out is logged when the post is written, so a
            // sync under cron or systemd reports it once, and unchanged reruns stay quiet.
            if mode == .apply, reported.decision == .create || reported.decision == .update {
                for warning in Set(reported.posts.flatMap(\.warnings)).sorted() {
                    logger.warning(
                        "item written with a warning",
                        ["item.source": item.source, "item.id": item.identity, "warning": warning])
                }
            }
            // A blocked item needs a person, and the daemon reports nothing else that names it. It is logged with
            // the way out when it becomes blocked or its reason changes, not on every pass. An edit that only
            // published posts missed has its own warning.
            if mode == .apply, reported.decision == .blocked, !blocksSettled,
                record.status != "blocked" || record.lastError != reported.message
            {
                logger.warning(
                    "item blocked",
                    [
                        "item.source": item.source, "item.id": item.identity,
                        "reason": reported.message ?? "no reason recorded",
                    ])
            }
            if mode == .apply {
                record.title = item.title
                record.location = item.location
                record.contentHash = item.contentHash
                record.bodyHash = item.bodyHash
                record.payloadHash = groups.map(\.payload.hash).joined(separator: ",")
                record.fileSize = item.fileSize
                record.fileModificationTime = item.fileModificationTime
                if mapsAgain {
                    // Without a content hash, the next scan maps the item again.
                    record.contentHash = nil
                    record.fileSize = nil
                    record.fileModificationTime = nil
                }
                switch reported.decision {
                case .failed: record.status = "failed"
                // An edit that only published posts missed is reported in this run, and `status` keeps its message.
                // Later runs count the item as unchanged, so the daemon's status line does not list it for good.
                case .blocked: record.status = blocksSettled ? "synced" : "blocked"
                default: record.status = "synced"
                }
                record.lastError = reported.message
                // Without a size, the file is read and the note worked out again at each scan, so the note goes once
                // those posts are deleted or published.
                // NOTE: a feed entry is mapped again only when it changes, so its note can outlast its posts.
                if unmanaged != nil && !item.isFeedEntry { record.fileSize = nil }
                try state.saveItem(record)
            }
        } catch {
            // The item keeps its state, so a run with a token that can write syncs it.
            if let denied = WriteDeniedError(error, workspace: context.workspace.name) { throw denied }
            // A request not sent because the process is stopping is no failure of the item: the run ends, and the
            // item keeps its state for the next one.
            if case PlanableAPIError.cancelled = error { throw error }
            reported.decision = .failed
            // A server error of the API, or a state database that could not be written, as on a full disk.
            if PassFailure.mayPassByItself(error) { reported.failedTemporarily = true }
            let mediaBaseURL = configuration.sources.first { $0.name == item.source }?.mediaBaseURL
            let message = "\(error)" + MediaChecker.mediaBaseURLNote("\(error)", media: item.media, base: mediaBaseURL)
            // Mapping errors such as a missing label already name the item.
            reported.message =
                message.hasPrefix("\(item.source): ") ? message : "\(item.source): \(item.location): \(message)"
            logger.error(
                "item sync failed", ["item.source": item.source, "item.id": item.identity, "error": "\(error)"])
            if mode == .apply { recordFailure(item, message: reported.message ?? "\(error)") }
        }
        logger.debug(
            "item decided",
            ["item.source": item.source, "item.id": item.identity, "decision": reported.decision.rawValue])
        return reported
    }

    /// Moves the entries of `source` that the linking of a new state recorded without a post in this pass from
    /// the scan's unchanged entries to its baselined ones, which the report lists with how to post them.
    private func reportLinkedWithoutPost(_ scan: inout SourceScan, source: String) {
        guard let recorded = linkedWithoutPost.removeValue(forKey: source) else { return }
        let reason =
            "older than this feed's newest entry with a post, so the linking of the new state database to the "
            + "workspace's posts recorded it without a post"
        for identity in scan.unchangedIdentities {
            if let title = recorded[identity] {
                scan.baselined.append((identity: identity, title: title, message: reason))
            }
        }
        scan.unchangedIdentities.removeAll { recorded[$0] != nil }
    }

    /// Plans against `preview`, a copy of the state that contains the renames or links a sync would make. The plan
    /// then shows what the sync will do, and the state file stays untouched. The request counts include the reads
    /// that built the copy, because `start` was taken before them.
    private func plan(
        against preview: StateStore, context: WorkspaceContext, since start: RequestStatistics, refreshStatus: Bool,
        shouldStop: @Sendable () -> Bool
    ) throws -> RunReport {
        let engine = SyncEngine(
            configuration: configuration, state: preview, client: client, sources: sources, logger: logger,
            mediaReach: mediaChecker.reach, progress: progress)
        engine.linkedWithoutPost = linkedWithoutPost
        var planned = try engine.run(
            mode: .plan, context: context, refreshStatus: refreshStatus, shouldStop: shouldStop)
        let statistics = client.requestStatistics
        planned.requests = .init(
            read: statistics.read - start.read, write: statistics.write - start.write,
            rateLimited: statistics.rateLimited - start.rateLimited)
        return planned
    }

    /// The item's overall decision: a failure wins, then blocked, create, update and unchanged.
    static func combine(_ decisions: [ItemDecision]) -> ItemDecision {
        for candidate in [ItemDecision.failed, .blocked, .create, .update] where decisions.contains(candidate) {
            return candidate
        }
        return .unchanged
    }

    /// Describes the item's unpublished posts on pages that it no longer goes to, or returns nil when there are none.
    /// Such a post is left as it is, because deleting it could lose a person's work, and a scheduled one may still
    /// be published.
    static func unmanagedPostsNote(
        existing: [PostRecord], groups: [PlannedGroup], item: SourceItem, context: WorkspaceContext
    ) -> String? {
        let plannedPages = Set(groups.flatMap { $0.pages.map(\.id) })
        let unmanaged = existing.filter { !$0.published && $0.status != "deleted" && !plannedPages.contains($0.pageId) }
        guard !unmanaged.isEmpty else { return nil }
        let posts = unmanaged.map { post in
            let page = context.quotedPageName(id: post.pageId) ?? post.pageId
            return "post \(post.postId) on page \(page)" + (post.scheduledSet ? " (scheduled)" : "")
        }
        let scheduled = unmanaged.contains(where: \.scheduledSet) ? "; a scheduled one may still be published" : ""
        return "\(item.location): the item no longer goes to the pages of \(posts.joined(separator: ", ")), which "
            + "are kept as they are and no longer follow the item\(scheduled); delete them in Planable if the item "
            + "should not be posted there"
    }

    /// Records on a synced item why the scan skipped its file, such as one emptied or marked `draft: true`, so that
    /// `status` shows why its posts stay as they are. The next sync of the file clears the note.
    private func noteSkippedFile(source: String, path: String, _ reason: String) throws {
        for record in try state.items(source: source, at: [path]) where record.location == path {
            try noteSkip(record, reason)
        }
    }

    /// Records on `record`, when it is synced, the note of `noteSkippedFile`. The file's size is forgotten, so
    /// that the next scan reads the file even when it is restored with its old size and time, and clears the note.
    private func noteSkip(_ record: ItemRecord, _ reason: String) throws {
        let note = "the last scan skipped the file (\(reason)), so its posts are kept as they are"
        guard record.status == "synced", record.lastError != note || record.fileSize != nil else { return }
        var noted = record
        noted.lastError = note
        noted.fileSize = nil
        try state.saveItem(noted)
    }

    private func recordFailure(_ item: SourceItem, message: String) {
        do {
            var record =
                try state.item(source: item.source, identity: item.identity)
                ?? ItemRecord(
                    source: item.source, identity: item.identity, title: item.title, status: "failed",
                    publishedEditReported: false)
            // With its location, a failed item whose file is deleted is later recorded as removed.
            record.location = item.location
            record.status = "failed"
            record.lastError = message
            // The hashes stay as they were, so the next run tries the item again.
            try state.saveItem(record)
        } catch {
            logger.error(
                "recording the item failure failed",
                ["item.source": item.source, "item.id": item.identity, "error": "\(error)"])
        }
    }
}

/// The error of a pass whose state database belongs to another workspace, which the pass does not record there.
private struct StateOfAnotherWorkspace: Error {
    var error: MappingError
}
