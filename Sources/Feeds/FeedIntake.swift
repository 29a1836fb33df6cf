import Foundation

/// The decisions for one run over one feed, made from the parsed feed and what the state stores about it.
///
/// The state keeps every key ever seen with its last content hash, so an entry that drops out of the feed and
/// comes back later is known, not new. Pure: it reads nothing and writes nothing, the caller stores the result.
package struct FeedIntake: Sendable {
    /// The decision for one entry.
    package enum Decision: String, Sendable, Equatable {
        /// Not seen before: create a draft.
        case new
        /// Seen before with other content: update its draft, never a new post.
        case changed
        /// Seen before with the same content: nothing to do.
        case unchanged
        /// Recorded without posting, on a feed's first run or when an operator accepts a GUID rewrite.
        case baselined
    }

    /// The action for a run that finds too many new entries in a known feed.
    package enum RewritePolicy: Sendable {
        /// Post nothing and report, so an operator can look (the default).
        case reject
        /// Record the new keys without posting: an operator has confirmed that the publisher rewrote its ids.
        case baseline
    }

    /// The decisions for a run and the keys to store afterwards.
    package struct Plan: Sendable {
        package var decisions: [(entry: FeedEntry, decision: Decision)]
        /// Every key known after this run, with its content hash: the previous keys plus this run's.
        package var knownAfter: [String: String]
        /// Keys that appear more than once in the feed; only one entry with each key is decided.
        package var duplicateKeys: [String]
        /// The entries left out because another entry of the feed has their key, each with the entry decided under
        /// that key. That is nil for a known key when none of its entries is the known entry.
        package var leftOutDuplicates: [(entry: FeedEntry, decided: FeedEntry?)] = []
        /// New keys taken for known entries, in feed order. Their entries are decided against the known entry's
        /// content hash, and the caller moves the known entry's records and posts to the new key, so that edits
        /// keep reaching its draft.
        package var keyChanges: [KeyChange] = []
        /// New keys of entries without an id whose title is that of a known entry that left the feed, but that
        /// no link or date ties to it, with that entry's key. They are baselined, because a post would be a
        /// duplicate if the entry is the known one under a changed link.
        package var uncertainMatches: [(new: String, known: String)] = []

        package func entries(_ decision: Decision) -> [FeedEntry] {
            decisions.filter { $0.decision == decision }.map(\.entry)
        }
    }

    /// The link, title and date that the state stores for a known key.
    package struct KnownEntry: Sendable, Equatable {
        package var link: String
        package var title: String
        /// The entry's published (else updated) date, nil in states written before dates were stored and for
        /// entries without one.
        package var date: Date?

        package init(link: String, title: String, date: Date? = nil) {
            self.link = link
            self.title = title
            self.date = date
        }
    }

    /// A new key taken for a known entry, with what ties the two together.
    package struct KeyChange: Sendable, Equatable {
        package enum Evidence: String, Sendable {
            /// The state stores the key that earlier versions of this program derived for the entry.
            case earlierKeyForm
            /// The same link, ignoring scheme, `www.`, case, a trailing slash and tracking parameters.
            case link
            /// The same id, ignoring scheme, `www.`, case and a trailing slash.
            case idForm
            /// The same title and the same date, to the second.
            case titleAndDate
        }

        package var newKey: String
        package var knownKey: String
        package var evidence: Evidence

        package init(newKey: String, knownKey: String, evidence: Evidence) {
            self.newKey = newKey
            self.knownKey = knownKey
            self.evidence = evidence
        }

        /// Whether the publisher changed the id of the entry, which the GUID-rewrite guard counts. A change of a
        /// key that this program derives from the link, title or text of an entry without an id is not one.
        package var isIDRewrite: Bool {
            evidence != .earlierKeyForm && !FeedIdentity.isDerivedKey(newKey)
                && !FeedIdentity.isDerivedKey(knownKey)
        }
    }

    /// A run rejected because a known feed looks as if its publisher rewrote every id at once.
    package struct GUIDRewriteReport: Error, Sendable, CustomStringConvertible {
        package var feedURL: String
        /// Entries whose key the state has not seen.
        package var newCount: Int
        /// New entries that look like known entries under a new id, which the guard counts against the limit.
        package var suspectCount: Int
        package var entryCount: Int
        package var threshold: Double
        /// Suspect keys that match a known key once scheme, host case and trailing slashes are ignored.
        package var rewrittenKnownKeys: [(new: String, known: String)]
        /// Up to five of the suspect keys, for the report.
        package var sampleNewKeys: [String]
        /// Suspects that one known entry matches by link, id form, or title and date, whose records and posts
        /// `on_rewrite: baseline` moves to the new ids.
        package var matchedCount = 0

        package var description: String {
            let percent = Int((Double(suspectCount) / Double(max(entryCount, 1)) * 100).rounded())
            var text = "feed \(feedURL): \(suspectCount) of \(entryCount) entries (\(percent)%) have ids (or, for "
            text += "entries without one, links) the state has not seen but look like known entries (the same link "
            text += "or title as a known entry, or no date after the newest known entry's), more than the limit of "
            text += "\(Int(threshold * 100))% for a known feed, so nothing was posted. "
            if !rewrittenKnownKeys.isEmpty {
                let example = rewrittenKnownKeys[0]
                text +=
                    "\(rewrittenKnownKeys.count) of them match known ids except for the scheme or form, for example "
                text += "\(example.new) for \(example.known); the publisher probably rewrote its ids. "
            } else {
                text += "New ids include \(sampleNewKeys.joined(separator: ", ")). "
            }
            text += "If the entries are really new, raise the source's max_new_share (a share from 0 to 1) for one "
            text += "run. If the ids were rewritten, set the source's on_rewrite: baseline for one run, which records "
            text += "them as known without posting"
            if matchedCount > 0 {
                text += " and moves the drafts of the \(matchedCount) that match a known entry by link, by id, or by "
                text += "title and date to their new ids, so that later edits reach those drafts"
            }
            return text + "."
        }
    }

    package var feedURL: String
    /// Every key the state stores for the feed, with the content hash last seen.
    package var known: [String: String]
    /// Whether the feed is new to the source: its first run, or a run after the source's URL changed to another
    /// feed. The entries the state does not know are then baselined, except those among the `backfill` newest
    /// entries, and known entries are decided as on any run.
    package var isNewFeed: Bool
    /// On a first run, how many of the newest entries to post; the rest are baselined. nil posts none.
    package var backfill: Int?
    /// The known keys whose entries got a post or were to get one, as opposed to those recorded without a post. A
    /// first run that was stopped resumes from the newest of them.
    package var postedKeys: Set<String> = []
    /// The largest share of new entries a run over a known feed may have, from 0 to 1.
    package var rewriteGuardShare: Double
    /// The guard applies only when the feed has at least this many entries and the state knows at least this many
    /// keys: small feeds often turn over, and a feed that was nearly empty on its first run has no ids to rewrite.
    package var rewriteGuardMinimumEntries: Int
    package var rewritePolicy: RewritePolicy
    /// The link and title of known keys, by key, so that the guard can tell a rewritten id from a new entry.
    package var knownEntries: [String: KnownEntry]
    /// The newest published (or updated) date among the known entries, as stored after earlier runs. The guard
    /// also takes the dates of the known entries in the feed.
    package var newestKnownDate: Date?
    /// The time of the run. A known date more than a day after it is not taken as the newest known date, because
    /// one mistyped year would make every later entry a suspect.
    package var now: Date

    package init(
        feedURL: String, known: [String: String], isNewFeed: Bool, backfill: Int? = nil,
        rewriteGuardShare: Double = 0.5, rewriteGuardMinimumEntries: Int = 4, rewritePolicy: RewritePolicy = .reject,
        knownEntries: [String: KnownEntry] = [:], newestKnownDate: Date? = nil, now: Date = Date()
    ) {
        self.feedURL = feedURL
        self.known = known
        self.knownEntries = knownEntries
        self.newestKnownDate = newestKnownDate
        self.now = now
        self.isNewFeed = isNewFeed
        self.backfill = backfill
        self.rewriteGuardShare = rewriteGuardShare
        self.rewriteGuardMinimumEntries = rewriteGuardMinimumEntries
        self.rewritePolicy = rewritePolicy
    }

    /// Decides every entry of `feed`.
    ///
    /// A new key is first matched to the known entries that left the feed (see `keyChanges(_:feed:)`). A match is
    /// the known entry under a new key, so it is decided against the known content hash and never posted again.
    ///
    /// The guard counts suspects: new entries that may be known entries under a rewritten id. A new entry is a
    /// suspect when its link (ignoring scheme, `www.`, a trailing slash and tracking parameters) or its title is
    /// that of a known entry that left the feed, or when it has no date after the newest known entry's. Entries
    /// dated later, with a link and a title that no known entry has, are new entries of a busy feed. A matched
    /// entry without an id changed its link, not its id, so the guard does not count it. With the `baseline`
    /// policy, the suspects that no match ties to a known entry are baselined.
    ///
    /// - Throws: `GUIDRewriteReport` when the feed is known, it and the state both have at least
    ///   `rewriteGuardMinimumEntries` entries, more than `rewriteGuardShare` of them are suspects and the policy
    ///   is `reject`.
    package func decide(_ feed: Feed) throws -> Plan {
        var byKey: [String: [FeedEntry]] = [:]
        var keys: [String] = []
        for entry in feed.entries {
            if byKey[entry.key] == nil { keys.append(entry.key) }
            byKey[entry.key, default: []].append(entry)
        }
        var duplicates: [String] = []
        var unique: [FeedEntry] = []
        var leftOut: [(entry: FeedEntry, decided: FeedEntry?)] = []
        for key in keys {
            let entries = byKey[key] ?? []
            guard entries.count > 1 else {
                unique += entries
                continue
            }
            duplicates.append(key)
            if let chosen = chosenEntry(entries, key: key) {
                unique.append(entries[chosen])
                leftOut += entries.indices.filter { $0 != chosen }.map { (entries[$0], entries[chosen]) }
            } else {
                // None is the known entry, so deciding one would overwrite that entry's post with another's text.
                leftOut += entries.map { ($0, nil) }
            }
        }
        let newEntries = unique.filter { known[$0.key] == nil }
        let changes = keyChanges(newEntries, feed: unique)
        if isNewFeed {
            // Known entries of the feed take their places among the newest too, so that a first run that was
            // stopped after posting some of them posts only the rest of the backfill when it runs again.
            let candidates = unique.filter { changes[$0.key] == nil }
            let window = backfill ?? 0
            var posted = Set(newestKeys(candidates, count: window))
            if let resumed = resumedBackfill(candidates, window: window) { posted = resumed }
            let decisions = unique.map { entry -> (entry: FeedEntry, decision: Decision) in
                if let decision = knownDecision(entry, change: changes[entry.key]) { return (entry, decision) }
                return (entry, posted.contains(entry.key) ? .new : .baselined)
            }
            var plan = plan(decisions, changes: changes, duplicates: duplicates)
            plan.leftOutDuplicates = leftOut
            return plan
        }

        let guarded = newEntries.filter { changes[$0.key]?.isIDRewrite ?? true }
        let suspects = suspectKeys(guarded, feed: unique)
        let overLimit =
            unique.count >= rewriteGuardMinimumEntries && known.count >= rewriteGuardMinimumEntries
            && Double(suspects.count) > rewriteGuardShare * Double(unique.count)
        if overLimit && rewritePolicy == .reject {
            let suspectEntries = guarded.filter { suspects.contains($0.key) }
            var report = GUIDRewriteReport(
                feedURL: feedURL, newCount: newEntries.count, suspectCount: suspects.count, entryCount: unique.count,
                threshold: rewriteGuardShare, rewrittenKnownKeys: rewrittenKeys(suspectEntries.map(\.key)),
                sampleNewKeys: suspectEntries.prefix(5).map(\.key))
            // The message describes what `on_rewrite: baseline` would do, which also takes links and titles as ties.
            let accepted = keyChanges(newEntries, feed: unique, acceptingRewrites: true)
            report.matchedCount = suspectEntries.filter { accepted[$0.key] != nil }.count
            throw report
        }
        let uncertain = uncertainMatches(newEntries.filter { changes[$0.key] == nil }, feed: unique)
        let decisions = unique.map { entry -> (entry: FeedEntry, decision: Decision) in
            if let decision = knownDecision(entry, change: changes[entry.key]) { return (entry, decision) }
            let baselined = (overLimit && suspects.contains(entry.key)) || uncertain[entry.key] != nil
            return (entry, baselined ? .baselined : .new)
        }
        var plan = plan(decisions, changes: changes, duplicates: duplicates)
        plan.uncertainMatches = newEntries.compactMap { entry in uncertain[entry.key].map { (entry.key, $0) } }
        plan.leftOutDuplicates = leftOut
        return plan
    }

    /// Returns the index of the entry decided under `key` among `entries`, which all have it, or nil when none may
    /// be. For a key the state does not know, it is the first entry listed. For a known key, it is the one entry
    /// with the known entry's link, else the one with its link and title, else, when none has its link, the one
    /// with its title. So a feed that gives one id to several entries, as a CMS that sets every guid to the site's
    /// address does, never has another entry's text overwrite the known entry's post.
    private func chosenEntry(_ entries: [FeedEntry], key: String) -> Int? {
        guard let known = knownEntries[key] else { return 0 }
        let link = FeedIdentity.comparableLink(known.link)
        let title = Self.titleForm(known.title)
        let byLink =
            known.link.isEmpty ? [] : entries.indices.filter { FeedIdentity.comparableLink(entries[$0].link) == link }
        let byTitle = title.isEmpty ? [] : entries.indices.filter { Self.titleForm(entries[$0].title) == title }
        if byLink.count == 1 { return byLink[0] }
        let byBoth = byLink.filter { byTitle.contains($0) }
        if byBoth.count == 1 { return byBoth[0] }
        if byLink.isEmpty && byTitle.count == 1 { return byTitle[0] }
        return nil
    }

    /// Decides an entry whose key is known, or that `change` takes for a known entry, against the known content
    /// hash. Returns nil for an entry that is new.
    private func knownDecision(_ entry: FeedEntry, change: KeyChange?) -> Decision? {
        guard let hash = known[change?.knownKey ?? entry.key] else { return nil }
        return hash == entry.contentHash ? .unchanged : .changed
    }

    /// Builds the plan for `decisions`. A known key that changed is replaced by its new key in `knownAfter`, as
    /// the caller moves its records.
    private func plan(
        _ decisions: [(entry: FeedEntry, decision: Decision)], changes: [String: KeyChange], duplicates: [String]
    ) -> Plan {
        var knownAfter = known
        var keyChanges: [KeyChange] = []
        for (entry, _) in decisions {
            if let change = changes[entry.key] {
                knownAfter[change.knownKey] = nil
                keyChanges.append(change)
            }
            knownAfter[entry.key] = entry.contentHash
        }
        var plan = Plan(decisions: decisions, knownAfter: knownAfter, duplicateKeys: duplicates)
        plan.keyChanges = keyChanges
        return plan
    }

    /// Selects the keys of the `count` newest entries: by published or updated date where entries have one, else in
    /// document order, since feeds list their newest entries first.
    /// Returns the keys to post on a first run that a stop cut short, or nil when no earlier run of it posted
    /// anything, so the backfill is chosen afresh.
    ///
    /// The stopped run created the entries of its backfill in the feed's order and recorded the others, those it
    /// baselined, only at its end, which a crash or a second signal never reaches. So its backfill is the entries it
    /// posted and, after the last of them in the feed's order, as many entries it did not record as the backfill
    /// still lacks. Entries dated after the newest of those came after the stop and are posted, as on a known feed.
    /// Entries without dates cannot be placed, so they are baselined with the rest.
    private func resumedBackfill(_ candidates: [FeedEntry], window: Int) -> Set<String>? {
        let keys = candidates.map(\.key)
        guard let lastPosted = keys.lastIndex(where: postedKeys.contains) else { return nil }
        let postedCount = keys.filter(postedKeys.contains).count
        let rest = keys[(lastPosted + 1)...].filter { known[$0] == nil }.prefix(max(0, window - postedCount))
        let backfilled = Set(keys.filter(postedKeys.contains)).union(rest)
        let newestDate = candidates.filter { backfilled.contains($0.key) }.compactMap { $0.published ?? $0.updated }
            .max()
        guard let newestDate else { return backfilled }
        let newcomers = candidates.filter { entry in
            guard known[entry.key] == nil, !backfilled.contains(entry.key),
                let date = entry.published ?? entry.updated
            else { return false }
            return date > newestDate
        }
        return backfilled.union(newcomers.map(\.key))
    }

    private func newestKeys(_ entries: [FeedEntry], count: Int) -> [String] {
        guard count > 0 else { return [] }
        let ordered = entries.enumerated().sorted { left, right in
            let leftDate = left.element.published ?? left.element.updated
            let rightDate = right.element.published ?? right.element.updated
            switch (leftDate, rightDate) {
            case (let a?, let b?) where a != b: return a > b
            case (_?, nil): return true
            case (nil, _?): return false
            default: return left.offset < right.offset
            }
        }
        return ordered.prefix(count).map(\.element.key)
    }

    /// Selects the keys of the new entries that may be known entries under a rewritten id.
    private func suspectKeys(_ newEntries: [FeedEntry], feed: [FeedEntry]) -> Set<String> {
        // A known entry still in the feed under its own key is not what a new entry with its title rewrote.
        let present = Set(feed.map(\.key))
        var links = Set<String>()
        var titles = Set<String>()
        for (key, entry) in knownEntries where !present.contains(key) {
            if !entry.link.isEmpty { links.insert(FeedIdentity.comparableLink(entry.link)) }
            let title = Self.titleForm(entry.title)
            if !title.isEmpty { titles.insert(title) }
        }
        let newestKnown = newestKnownDate(in: feed)
        return Set(
            newEntries.filter { entry in
                if !entry.link.isEmpty && links.contains(FeedIdentity.comparableLink(entry.link)) { return true }
                if titles.contains(Self.titleForm(entry.title)) { return true }
                guard let date = entry.published ?? entry.updated, let newestKnown else {
                    return !isListedAboveKnownEntries(entry, feed: feed)
                }
                return date <= newestKnown
            }
            .map(\.key))
    }

    /// Returns the newest plausible date of the known entries: the stored one, or that of a known entry in `feed`.
    func newestKnownDate(in feed: [FeedEntry]) -> Date? {
        let knownDates = feed.filter { known[$0.key] != nil }.compactMap { $0.published ?? $0.updated }
        return (knownDates + [newestKnownDate].compactMap { $0 }).filter(isPlausible).max()
    }

    /// Tells whether `entry` is listed above every known entry of `feed`. Feeds list their newest entries first,
    /// so an undated entry there was added since the last run. For a feed without known entries it returns false.
    func isListedAboveKnownEntries(_ entry: FeedEntry, feed: [FeedEntry]) -> Bool {
        guard let firstKnown = feed.firstIndex(where: { known[$0.key] != nil }),
            let position = feed.firstIndex(where: { $0.key == entry.key })
        else { return false }
        return position < firstKnown
    }

    /// Tells whether `date` is at most a day after the run, so it can mark how far the state has read the feed.
    package func isPlausible(_ date: Date) -> Bool {
        date <= now.addingTimeInterval(86_400)
    }

    static func titleForm(_ title: String) -> String {
        title.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    private func rewrittenKeys(_ newKeys: [String]) -> [(new: String, known: String)] {
        var byNormalized: [String: String] = [:]
        for key in known.keys { byNormalized[Self.looseForm(key)] = key }
        return newKeys.compactMap { key in byNormalized[Self.looseForm(key)].map { (new: key, known: $0) } }
    }

    /// Strips a key of its scheme, `www.` prefix, letter case and trailing slash, to spot rewritten ids.
    static func looseForm(_ key: String) -> String {
        var text = key.lowercased()
        for prefix in ["https://", "http://", "tag:", "urn:"] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
        }
        if text.hasPrefix("www.") { text.removeFirst(4) }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
