import Foundation

extension FeedIntake {
    /// Maps each new key that stands for a known entry that left the feed to a `KeyChange`.
    ///
    /// The state's key of the entry under an earlier form settles it alone. Otherwise the evidence is the same
    /// link, the same id up to its form, or the same title and date. Each piece of evidence counts only when exactly
    /// one known entry and one entry of the feed have it, so a home page link that a feed gives every entry, or a
    /// title such as "Weekly update", identifies nothing. A new entry whose pieces of evidence point to different
    /// known entries, or a known entry that two new entries point to, is left unmatched.
    ///
    /// - Parameter acceptingRewrites: whether ids count as rewritten. Only then does a link or a title and date tie
    ///   two ids. The default is true when `on_rewrite` is `baseline`.
    func keyChanges(
        _ newEntries: [FeedEntry], feed: [FeedEntry], acceptingRewrites: Bool? = nil
    ) -> [String: KeyChange] {
        guard !newEntries.isEmpty, !known.isEmpty else { return [:] }
        let present = Set(feed.map(\.key))
        let links = EvidenceIndex(
            known: knownEntries.compactMap { key, entry in
                entry.link.isEmpty ? nil : (FeedIdentity.comparableLink(entry.link), key)
            },
            feed: feed.compactMap { $0.link.isEmpty ? nil : FeedIdentity.comparableLink($0.link) })
        let ids = EvidenceIndex(
            known: known.keys.compactMap { key in FeedIdentity.isDerivedKey(key) ? nil : (Self.looseForm(key), key) },
            feed: feed.compactMap { FeedIdentity.isDerivedKey($0.key) ? nil : Self.looseForm($0.key) })
        let titlesAndDates = EvidenceIndex(
            known: knownEntries.compactMap { key, entry in
                Self.titleAndDateForm(title: entry.title, date: entry.date).map { ($0, key) }
            },
            feed: feed.compactMap { Self.titleAndDateForm(title: $0.title, date: $0.published ?? $0.updated) })

        var candidates: [String: KeyChange] = [:]
        for entry in newEntries {
            let earlier = FeedIdentity.earlierKeys(of: entry).first { known[$0] != nil && !present.contains($0) }
            if let earlier {
                candidates[entry.key] = KeyChange(newKey: entry.key, knownKey: earlier, evidence: .earlierKeyForm)
                continue
            }
            var matches: [(key: String, evidence: KeyChange.Evidence)] = []
            // A publisher that gives an entry a new id usually means a new entry, such as this week's menu at the
            // same link or a second job ad with the same title on the same day. So between two ids, a link or a
            // title and date counts only when the ids are taken as rewritten.
            func counts(_ knownKey: String) -> Bool {
                FeedIdentity.isDerivedKey(entry.key) || FeedIdentity.isDerivedKey(knownKey)
                    || (acceptingRewrites ?? (rewritePolicy == .baseline))
            }
            if !entry.link.isEmpty, let key = links.match(FeedIdentity.comparableLink(entry.link)), counts(key) {
                matches.append((key, .link))
            }
            if !FeedIdentity.isDerivedKey(entry.key), let key = ids.match(Self.looseForm(entry.key)) {
                matches.append((key, .idForm))
            }
            if let form = Self.titleAndDateForm(title: entry.title, date: entry.published ?? entry.updated),
                let key = titlesAndDates.match(form), counts(key)
            {
                matches.append((key, .titleAndDate))
            }
            let knownKeys = Set(matches.map(\.key))
            guard knownKeys.count == 1, let first = matches.first, !present.contains(first.key) else { continue }
            candidates[entry.key] = KeyChange(newKey: entry.key, knownKey: first.key, evidence: first.evidence)
        }
        var claims: [String: Int] = [:]
        for change in candidates.values { claims[change.knownKey, default: 0] += 1 }
        return candidates.filter { claims[$0.value.knownKey] == 1 }
    }

    /// Maps each of `unmatched`, the new entries that `keyChanges` left unmatched, to a known entry that left the
    /// feed and may be the same entry under a new id or link. The caller holds such entries back without a post.
    ///
    /// An entry with an id matches a known entry with an id and the same link. An entry without an id matches a
    /// known entry with the same title whose date does not show that it is another entry. An entry without an id
    /// that is dated after every known entry, or undated and listed above them, was published since and is not
    /// matched.
    func uncertainMatches(_ unmatched: [FeedEntry], feed: [FeedEntry]) -> [String: String] {
        guard !unmatched.isEmpty else { return [:] }
        let present = Set(feed.map(\.key))
        var result: [String: String] = [:]

        // A new id at a known entry's link may be that entry under a rewritten id, or a new entry such as this
        // week's menu. Posting it could repeat the known entry, and moving the draft could overwrite it.
        let idLinks = EvidenceIndex(
            known: knownEntries.compactMap { key, entry in
                FeedIdentity.isDerivedKey(key) || entry.link.isEmpty || present.contains(key)
                    ? nil : (FeedIdentity.comparableLink(entry.link), key)
            },
            feed: feed.compactMap { $0.link.isEmpty ? nil : FeedIdentity.comparableLink($0.link) })
        for entry in unmatched where !FeedIdentity.isDerivedKey(entry.key) && !entry.link.isEmpty {
            if let key = idLinks.match(FeedIdentity.comparableLink(entry.link)) { result[entry.key] = key }
        }

        var leftByTitle: [String: [String]] = [:]
        for (key, entry) in knownEntries where !present.contains(key) {
            let title = Self.titleForm(entry.title)
            if !title.isEmpty { leftByTitle[title, default: []].append(key) }
        }
        guard !leftByTitle.isEmpty else { return result }

        let newestKnown = newestKnownDate(in: feed)
        for entry in unmatched where FeedIdentity.isDerivedKey(entry.key) {
            guard let sameTitle = leftByTitle[Self.titleForm(entry.title)] else { continue }
            let date = entry.published ?? entry.updated
            if let date, let newestKnown, date > newestKnown { continue }
            if date == nil && isListedAboveKnownEntries(entry, feed: feed) { continue }
            // Two dates that differ show two entries, such as two issues of a newsletter with one title.
            let possible = sameTitle.sorted().filter { key in
                guard let date, let knownDate = knownEntries[key]?.date else { return true }
                return Self.wholeSeconds(date) == Self.wholeSeconds(knownDate)
            }
            if let key = possible.first { result[entry.key] = key }
        }
        return result
    }

    /// Joins a title and a date into one piece of evidence, or returns nil when either is missing.
    static func titleAndDateForm(title: String, date: Date?) -> String? {
        let title = titleForm(title)
        guard !title.isEmpty, let date else { return nil }
        return "\(title)\u{1F}\(wholeSeconds(date))"
    }

    /// Returns a date in whole Unix seconds, the precision that feeds and the state keep in common.
    static func wholeSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}

/// One kind of evidence that ties a new key to a known one, such as a link, counted on both sides.
private struct EvidenceIndex {
    private var knownKeys: [String: [String]] = [:]
    private var feedCounts: [String: Int] = [:]

    init(known: [(form: String, key: String)], feed: [String]) {
        for (form, key) in known { knownKeys[form, default: []].append(key) }
        for form in feed { feedCounts[form, default: 0] += 1 }
    }

    /// Returns the known key with the evidence `form`, when exactly one known entry and one entry of the feed have
    /// it.
    func match(_ form: String) -> String? {
        guard feedCounts[form] == 1, let keys = knownKeys[form], keys.count == 1 else { return nil }
        return keys[0]
    }
}
