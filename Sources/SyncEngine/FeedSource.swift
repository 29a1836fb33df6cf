import Feeds
import Foundation
import HTTPClient
import Logging
import YAML

/// An RSS, Atom or JSON feed, fetched with a conditional GET.
///
/// The state's item rows are the feed's memory: every key ever seen stays there with its content hash, so an
/// entry that leaves the feed and comes back is not new. Validators and the first-run baseline are stored only
/// after an apply pass in which no entry failed, so a crash or a failed create never hides an entry behind a
/// 304 answer.
package struct FeedSource: ItemSource {
    package let name: String
    /// The URL that fetches send, with any userinfo as configured.
    let url: String
    /// `url` with the password of its userinfo redacted, for messages, logs and the state database.
    let displayURL: String
    let backfill: Int
    let maximumNewShare: Double
    let baselinesRewrites: Bool
    let contentImages: ContentImages
    let urlTemplateSet: Bool
    let mappingFingerprint: String
    /// Whether a blocked entry is mapped again, which `overwrite_planable_edits` and `update_approved` need.
    let remapsBlockedEntries: Bool
    let logger: Logger
    let fetcher: FeedFetcher
    /// The feed's fetch made ahead of the scan, such as one that the daemon made on another thread while it synced
    /// changed files. The scan uses it when it was sent with no validators or with those the scan would send.
    var prefetched: PrefetchedFeed?

    /// The largest feed accepted, in bytes.
    static let maximumFeedBytes = 32 << 20

    package init(
        configuration: SourceConfiguration, mappingFingerprint: String, logger: Logger,
        remapsBlockedEntries: Bool = false
    ) {
        name = configuration.name
        self.remapsBlockedEntries = remapsBlockedEntries
        if case .feed(let url, let backfill, _, let share) = configuration.kind {
            self.url = url
            displayURL = URLCredentials.redactingPassword(in: url)
            self.backfill = backfill
            self.maximumNewShare = share
        } else {
            preconditionFailure("FeedSource needs a feed source configuration")
        }
        baselinesRewrites = configuration.baselinesRewrites
        contentImages = configuration.contentImages
        urlTemplateSet = configuration.urlTemplate != nil
        self.mappingFingerprint = mappingFingerprint
        self.logger = logger
        fetcher = FeedFetcher(client: HTTPClient(), timeout: 30, maximumBytes: Self.maximumFeedBytes)
    }

    /// Tells whether an entry whose state record has `status` is mapped again although the feed did not change it.
    func mapsAgain(status: String) -> Bool {
        status == "failed" || status == "requested" || (status == "blocked" && remapsBlockedEntries)
    }

    /// Returns the validators that the next fetch sends, `If-None-Match` and `If-Modified-Since`, or nils for a whole
    /// fetch.
    package func validators(state: StateStore) -> (etag: String?, lastModified: String?) {
        validators(
            stored: try? state.feedRecord(source: name),
            fingerprintMatches: (try? state.mappingFingerprint(source: name)) == mappingFingerprint,
            records: (try? state.items(source: name)) ?? [], entryCounts: try? state.feedEntryCounts(source: name))
    }

    private func validators(
        stored: StateStore.FeedRecord?, fingerprintMatches: Bool, records: [ItemRecord],
        entryCounts: StateStore.FeedEntryCounts?
    ) -> (etag: String?, lastModified: String?) {
        // A 304 response counts the entries of the last stored read as unchanged, so the validators wait for a
        // stored count. Some entries are mapped again, which needs a whole fetch: one that failed since that read,
        // one whose post `planable-sync post` requested, one blocked while `overwrite_planable_edits` is set, and
        // one whose record has no content hash, as after an edit that a post being published missed.
        let validatorsApply =
            stored?.url == displayURL && fingerprintMatches && entryCounts?.last != nil
            && !records.contains { mapsAgain(status: $0.status) || ($0.contentHash == nil && $0.status != "removed") }
        return validatorsApply ? (stored?.etag, stored?.lastModified) : (nil, nil)
    }

    /// Fetches the feed with `validators`, for a scan to use later through `prefetched`. It touches no state, so it
    /// may run on any thread.
    package func prefetch(validators: (etag: String?, lastModified: String?)) -> PrefetchedFeed {
        let (etag, lastModified) = validators
        let result = Result { try fetcher.fetch(url: url, etag: etag, lastModified: lastModified) }
        return PrefetchedFeed(url: url, etag: etag, lastModified: lastModified, result: result)
    }

    package func scan(state: StateStore, timeZone: TimeZone) -> SourceScan {
        var result = SourceScan()
        let stored = try? state.feedRecord(source: name)
        // After a change to a setting that shapes posts, such as the template or the pages, every entry is mapped
        // again, as a folder's files are. The feed is then fetched whole, without the validators that would get a
        // 304 response.
        let fingerprintMatches = (try? state.mappingFingerprint(source: name)) == mappingFingerprint
        let records = ((try? state.items(source: name)) ?? [])
        let entryCounts = try? state.feedEntryCounts(source: name)
        let validators = validators(
            stored: stored, fingerprintMatches: fingerprintMatches, records: records, entryCounts: entryCounts)
        let fetched: FeedFetchResult
        do {
            // A fetch made ahead without validators read the whole feed, which serves whatever the scan would send.
            if let prefetched, prefetched.url == url,
                (prefetched.etag == nil && prefetched.lastModified == nil)
                    || (prefetched.etag == validators.etag && prefetched.lastModified == validators.lastModified)
            {
                fetched = try prefetched.result.get()
            } else {
                fetched = try fetcher.fetch(url: url, etag: validators.etag, lastModified: validators.lastModified)
            }
        } catch {
            // A feed over the size limit fails every run until its publisher shortens it, so it is no temporary
            // failure.
            let tooLarge = (error as? FeedError)?.code == .tooLarge
            let message =
                tooLarge
                ? "feed \(name) (\(displayURL)): \(error); every run fails until the feed is smaller, so ask its publisher "
                    + "to list fewer entries"
                : "feed \(name) (\(displayURL)): \(error); the next run tries again"
            result.errors.append(
                SourceError(source: name, identity: nil, message: message, isDataError: tooLarge, location: displayURL))
            let failedURL = displayURL
            let sourceName = name
            result.commit = { state in try state.recordFeedFailure(source: sourceName, url: failedURL, message: message)
            }
            return result
        }
        guard
            case .fetched(let data, let contentType, let etag, let lastModified, let finalURL, let redirects) = fetched
        else {
            logger.debug("feed not modified", ["source": name, "feed.url": displayURL])
            result.unchangedUnlistedCount = entryCounts?.last ?? 0
            if entryCounts?.last == 0,
                let warnedAt = warnOfEmptyFeed(entryCounts, knownEntries: records.count, into: &result)
            {
                let sourceName = name
                result.commitAlways = { state in try state.recordEmptyFeedWarning(source: sourceName, at: warnedAt) }
            }
            return result
        }
        if !redirects.isEmpty {
            let shownFinalURL = URLCredentials.redactingPassword(in: finalURL)
            logger.info("feed redirected", ["source": name, "feed.url": displayURL, "feed.final_url": shownFinalURL])
        }

        let feed: Feed
        do {
            feed = try FeedParser.parse(data, url: finalURL, contentType: contentType)
        } catch {
            // A document cut off in transfer is a temporary failure, which the next run retries.
            let isCutOff = (error as? FeedError)?.isTemporary == true
            result.errors.append(
                SourceError(
                    source: name, identity: nil,
                    message: isCutOff
                        ? "feed \(name) (\(displayURL)) cannot be read: \(error)"
                        : "feed \(name) (\(displayURL)) cannot be read: \(error); fix the feed or its URL",
                    isDataError: !isCutOff, location: displayURL))
            return result
        }
        if feed.isIllFormed {
            logger.warning(
                feed.isCutShort
                    ? "feed ends before its end tag; read the entries before the cut, and the next read fetches it again"
                    : "feed is not well-formed; read what could be recovered",
                ["source": name, "feed.url": displayURL, "error": feed.illFormedReason ?? ""])
        }
        // A document cut after a whole entry may be one read while it was written, and a server that dates files
        // to the second returns 304 for the whole file written within that second. So its validators are not
        // stored, and the next read fetches the document whole. Other ill-formed feeds, such as one with an
        // undeclared `&nbsp;`, keep theirs, or they would be fetched whole at every poll.
        let storedETag = feed.isCutShort ? nil : etag
        let storedLastModified = feed.isCutShort ? nil : lastModified

        let knownDates = (try? state.feedEntryDates(source: name)) ?? [:]
        var known: [String: String] = [:]
        var knownEntries: [String: FeedIntake.KnownEntry] = [:]
        var statuses: [String: String] = [:]
        for record in records {
            known[record.identity] = record.contentHash ?? ""
            knownEntries[record.identity] = FeedIntake.KnownEntry(
                link: record.location ?? "", title: record.title, date: knownDates[record.identity])
            statuses[record.identity] = record.status
        }
        // A source whose URL changed to another feed, one that shares no entry with the stored ones, is read as on a
        // first run, so its entries are baselined instead of all being posted. The same feed at a new address (https,
        // or a redirect's target) shares entries and is read as a known feed. The stored URL changes only after a
        // run without failures.
        // The state reads a stored URL with its password redacted, as `displayURL` shows it.
        let urlChanged = stored.map { !$0.url.isEmpty && $0.url != displayURL } ?? false
        let sharesEntries = feed.entries.contains { known[$0.key] != nil }
        // A first run that was stopped leaves records but no baseline, and the next run finishes it as a first run.
        // Taken for a known feed, its unposted entries would look like rewritten ids.
        let isNewFeed = stored?.baselined != true || (urlChanged && !sharesEntries)
        // A first read records every entry it does not post as old. Cut short, it would miss the entries after the
        // cut, and a later read of the whole feed would post them as new. So it waits for a whole document.
        if isNewFeed && feed.isCutShort {
            result.errors.append(
                SourceError(
                    source: name, identity: nil,
                    message: "feed \(name) (\(displayURL)) cannot be read for its first run: the document ends before "
                        + "its end tag (\(feed.illFormedReason ?? "it is cut short")), and a first run needs the whole "
                        + "feed to record which entries are old; the next read fetches it again. If the feed always "
                        + "ends early, fix it at its publisher",
                    isDataError: false, location: displayURL))
            return result
        }
        let storedNewest = StateStore.date(stored?.newestEntryAt)
        var intake = FeedIntake(
            feedURL: displayURL, known: known, isNewFeed: isNewFeed, backfill: backfill,
            rewriteGuardShare: maximumNewShare, rewritePolicy: baselinesRewrites ? .baseline : .reject,
            knownEntries: knownEntries, newestKnownDate: storedNewest)
        intake.postedKeys = Set(statuses.filter { $0.value != "baselined" }.keys)
        let plan: FeedIntake.Plan
        do {
            plan = try intake.decide(feed)
        } catch {
            result.errors.append(
                SourceError(source: name, identity: nil, message: "\(name): \(error)", location: displayURL))
            return result
        }
        result.identityChanges = plan.keyChanges.map(Self.identityChange)
        for (entry, decided) in plan.leftOutDuplicates {
            let link = entry.link.isEmpty ? "" : " (\(entry.link))"
            logger.warning(
                "feed entry has the id of another entry, so it is left out",
                [
                    "source": name, "entry.id": entry.key, "entry.title": entry.title,
                    "synced.title": decided?.title ?? "",
                ])
            let synced =
                decided.map { "\"\($0.title)\" is synced under that id" }
                ?? "so are the others, since none is the entry whose post has that id, and that post stays as it is"
            result.warnings.append(
                "feed \(name) (\(displayURL)) gives id \(entry.key) to more than one entry, so \"\(entry.title)\"\(link) is "
                    + "left out and \(synced); ask the feed's publisher to give each entry an id of its own")
        }
        let uncertain = Dictionary(plan.uncertainMatches, uniquingKeysWith: { first, _ in first })
        for (newKey, knownKey) in plan.uncertainMatches {
            logger.warning(
                "feed entry has the link or title of a known entry that left the feed, and nothing shows whether it "
                    + "is that entry under a new id or link, so it is held back without a post",
                ["source": name, "entry.id": newKey, "entry.previous_id": knownKey])
        }
        let emptyWarnedAt =
            plan.decisions.isEmpty ? warnOfEmptyFeed(entryCounts, knownEntries: records.count, into: &result) : nil
        let entryDates: [Date] = plan.decisions.compactMap { $0.entry.published ?? $0.entry.updated }
        let newestEntryAt = (entryDates + [storedNewest].compactMap { $0 }).filter(intake.isPlausible).max()

        // An entry under a changed key has the records of its known key until the engine moves them.
        let previousKeys = Dictionary(uniqueKeysWithValues: plan.keyChanges.map { ($0.newKey, $0.knownKey) })
        let reportedKeyChanges = Set(result.identityChanges.filter { !$0.isRoutine }.map(\.identity))
        var baselined: [FeedEntry] = []
        for (entry, decision) in plan.decisions {
            let status = statuses[previousKeys[entry.key] ?? entry.key]
            switch decision {
            case .new, .changed:
                if status == "baselined" {
                    // An old entry edited after the baseline stays unposted. One whose key changed differs at least
                    // in its link or id, which is no edit to report, so it counts as unchanged.
                    baselined.append(entry)
                    if previousKeys[entry.key] == nil {
                        result.baselinedEdits.append((identity: entry.key, title: entry.title))
                    } else {
                        result.unchangedIdentities.append(entry.key)
                    }
                } else {
                    result.items.append(SourceItem(entry, source: name, feedURL: url, contentImages: contentImages))
                }
            case .unchanged:
                // A failed entry keeps the hash of its last good version, so it is mapped again, as a folder's
                // failed file is read again, in case what made it fail, such as a missing label, was fixed. A
                // blocked entry is mapped again while `overwrite_planable_edits` or `update_approved` is set, so that the setting reaches
                // it. Otherwise it waits for a change, because nobody can copy the edit into another's feed. An entry
                // whose key changed is mapped too, so that the report lists it with its posts.
                let keyChanged = reportedKeyChanges.contains(entry.key)
                let remaps = status.map(mapsAgain) == true || keyChanged
                if (fingerprintMatches && !remaps) || status == "baselined" {
                    result.unchangedIdentities.append(entry.key)
                } else {
                    result.items.append(SourceItem(entry, source: name, feedURL: url, contentImages: contentImages))
                }
            case .baselined:
                baselined.append(entry)
                let message = baselineMessage(
                    isNewFeed: isNewFeed, uncertainMatch: uncertain[entry.key], policy: intake.rewritePolicy)
                result.baselined.append((identity: entry.key, title: entry.title, message: message))
            }
        }
        let localLinks = result.items.filter { !$0.location.isEmpty && $0.url == nil && $0.location.hasPrefix("file:") }
        if !localLinks.isEmpty && !urlTemplateSet {
            logger.warning(
                "feed entries link to local files, so their posts get no link; set the source's link template",
                ["source": name, "entries": String(localLinks.count), "example": localLinks[0].location])
            // The report's reader, such as a cron mail, may not see the log.
            let entries = localLinks.count == 1 ? "1 entry links" : "\(localLinks.count) entries link"
            result.warnings.append(
                "feed \(name): \(entries) to a local file, such as \(localLinks[0].location), so their posts get no "
                    + "link; set the source's link setting to a template that gives each entry's public URL")
        }
        // A requested entry that the feed no longer lists cannot be posted. A feed cut short may list it after the
        // cut, so only a whole read withdraws the request.
        let listed = Set(plan.decisions.map { previousKeys[$0.entry.key] ?? $0.entry.key })
        let withdrawn =
            feed.isCutShort ? [] : records.filter { $0.status == "requested" && !listed.contains($0.identity) }
        for record in withdrawn {
            // The daemon reports through its log only, so the warning goes there too.
            logger.warning(
                "feed no longer lists an entry whose post `planable-sync post` requested; it stays without a post",
                ["source": name, "feed.url": displayURL, "entry.id": record.identity])
            result.warnings.append(
                "feed \(name) (\(displayURL)) no longer lists entry \(record.identity), whose post `planable-sync post` "
                    + "requested, so it stays recorded without a post; if it is still wanted, create its post in "
                    + "Planable")
        }
        let withdrawnIdentities = withdrawn.map(\.identity)
        let unlistedWithoutHash =
            feed.isCutShort
            ? []
            : records.filter { $0.contentHash == nil && $0.status != "removed" && !listed.contains($0.identity) }
                .map(\.identity)
        let sourceName = name
        let feedURL = displayURL
        let shownFinalURL = URLCredentials.redactingPassword(in: finalURL)
        let baselinedEntries = baselined
        let dates = plan.decisions.compactMap { decided in
            (decided.entry.published ?? decided.entry.updated).map { (identity: decided.entry.key, date: $0) }
        }
        let entryCount = plan.decisions.count
        let saveBaseline: @Sendable (StateStore) throws -> Void = { state in
            for entry in baselinedEntries {
                try state.saveItem(
                    ItemRecord(
                        source: sourceName, identity: entry.key, title: entry.title, location: entry.link,
                        contentHash: entry.contentHash, status: "baselined", publishedEditReported: false))
            }
        }
        // The validators wait for a pass without failures, so that a failed entry is fetched and tried again.
        result.commit = { state in
            try state.recordFeedFetched(
                source: sourceName, url: feedURL, etag: storedETag, lastModified: storedLastModified,
                finalURL: shownFinalURL, newestEntryAt: newestEntryAt)
            try state.recordFeedEntryCount(entryCount, source: sourceName)
            try saveBaseline(state)
            try state.setEmptyContentHash(source: sourceName, identities: unlistedWithoutHash)
        }
        // A first run that decided every entry is over, even when an entry failed: later entries are new entries
        // of a known feed.
        if isNewFeed {
            result.commitUnlessStopped = { state in try state.markFeedBaselined(source: sourceName, url: feedURL) }
        }
        result.commitAlways = { state in
            try saveBaseline(state)
            try state.withdrawPostRequests(source: sourceName, identities: withdrawnIdentities)
            // The dates let a later run match an entry whose link or id changed by its title and date.
            try state.recordFeedEntryDates(source: sourceName, dates: dates)
            if let emptyWarnedAt { try state.recordEmptyFeedWarning(source: sourceName, at: emptyWarnedAt) }
        }
        return result
    }
}

extension SourceItem {
    /// Tells whether a feed entry's link can go into a post. A relative link in a local `file://` export resolves to a
    /// `file://` URL, which no reader of the post can open, so such an item has no URL.
    static func isPublicLink(_ link: String) -> Bool {
        !link.isEmpty && !link.lowercased().hasPrefix("file:")
    }

    /// Locates a feed entry's medium. In a local `file://` export, a relative media link resolves to a `file://`
    /// URL, which is a local file as in a folder source: it is checked on disk and published through the
    /// source's `media_base_url`. The export's folder stands for the site root, so `/img/a.png` is looked up
    /// there and published as `/img/a.png`.
    static func feedMedium(_ url: String, feedURL: String) -> SourceMedia.Location {
        guard url.lowercased().hasPrefix("file:"), let file = URL(string: url), file.isFileURL,
            let feed = URL(string: feedURL), feed.isFileURL
        else { return .url(url) }
        let root = parentFolder(of: feed.path)
        let path = file.path
        if path.hasPrefix(root + "/") {
            return .localFile(path: path, sitePath: String(path.dropFirst(root.count)))
        }
        return .localFile(path: (root as NSString).appendingPathComponent(path), sitePath: path)
    }

    /// The fields of a feed entry's item, which templates and a rule's `match.fields` can name.
    static let feedFieldNames = ["id", "title", "link", "author", "summary", "content", "categories"]

    init(_ entry: FeedEntry, source: String, feedURL: String, contentImages: ContentImages = .none) {
        var media = entry.media.map { medium in
            var checked = SourceMedia(
                location: Self.feedMedium(medium.url, feedURL: feedURL), alt: nil, declaredType: medium.type)
            checked.isLeftOutWhenNotPostable = true
            return checked
        }
        if contentImages != .none {
            // Every picture is a candidate, so that with `first` one that fails its check gives way to the next.
            let declared = Set(entry.media.map(\.url))
            for picture in entry.contentImages where !declared.contains(picture.url) {
                var medium = SourceMedia(location: Self.feedMedium(picture.url, feedURL: feedURL), alt: picture.alt)
                medium.isOptional = true
                media.append(medium)
            }
        }
        // The names are `feedFieldNames`. The id is the entry's as the feed writes it, so that a rule can match
        // one entry. An entry without one has no `id` field, as a file has none without the front matter key.
        var fields: [(String, YAMLValue)] = entry.id.flatMap { $0.isEmpty ? nil : [("id", .string($0))] } ?? []
        fields += [
            ("title", .string(entry.title)), ("link", .string(entry.link)), ("author", .string(entry.author)),
            ("summary", .string(entry.summary)), ("content", .string(entry.content)),
            ("categories", .list(entry.categories.map { .string($0) })),
        ]
        let summary = entry.summary.isEmpty ? String(entry.content.prefix(500)) : entry.summary
        self.init(
            source: source, identity: entry.key, location: entry.link.isEmpty ? entry.key : entry.link,
            title: entry.title, summary: summary, text: entry.content.isEmpty ? entry.summary : entry.content,
            url: Self.isPublicLink(entry.link) ? entry.link : nil, date: entry.published ?? entry.updated,
            dateHasTime: true,
            tags: entry.categories, categories: entry.categories, media: media, fields: .mapping(fields),
            contentHash: entry.contentHash)
        optionalMediaLimit = contentImages == .first ? 1 : Int.max
        isFeedEntry = true
    }
}

/// A feed's conditional GET made ahead of the scan that reads it, with the validators that it sent.
package struct PrefetchedFeed: Sendable {
    package let url: String
    package let etag: String?
    package let lastModified: String?
    package let result: Result<FeedFetchResult, any Error>
}
