import Foundation

extension FeedSource {
    /// How long a feed that stays empty goes between two warnings in the log.
    static let emptyFeedWarningInterval: TimeInterval = 24 * 3600

    /// Adds a warning to the scan, and logs it, when the feed lists no entries but an earlier read listed some.
    ///
    /// Nothing is removed: feeds list only their newest entries, so the state keeps every entry it has seen, and
    /// entries that come back are known ones. A feed that never listed an entry stays quiet.
    ///
    /// Every report contains the warning while the feed stays empty. The log has it as a warning only at the first
    /// empty read and then once every `emptyFeedWarningInterval`, so that a daemon that polls the feed every few
    /// minutes does not fill the journal with it. The reads in between log it at info.
    ///
    /// - Parameters:
    ///   - counts: the entry counts of the feed's stored reads; nil when they cannot be read.
    ///   - knownEntries: the entries the state holds for the source, which stand in for the count of an earlier
    ///     read in a state from a version that did not store counts.
    /// - Returns: the time the warning was logged at warning level, which the state records after the pass, or nil.
    func warnOfEmptyFeed(
        _ counts: StateStore.FeedEntryCounts?, knownEntries: Int, into result: inout SourceScan
    ) -> Date? {
        let now = Date()
        let before: String
        var fields = ["source": name, "feed.url": displayURL]
        if let count = counts?.lastNonEmpty, count > 0 {
            let time = counts?.lastNonEmptyAt.map { ", at \($0)" } ?? ""
            before = "its last read with entries listed \(count)\(time)"
            fields["feed.entries_before"] = String(count)
            if let time = counts?.lastNonEmptyAt { fields["feed.entries_before_at"] = time }
        } else if knownEntries > 0 {
            before = "the state holds \(knownEntries) \(knownEntries == 1 ? "entry" : "entries") read from it before"
            fields["feed.known_entries"] = String(knownEntries)
        } else {
            return nil
        }
        var warnedAt: Date? = now
        if counts?.last == 0, let warned = StateStore.date(counts?.emptyWarnedAt),
            now.timeIntervalSince(warned) < Self.emptyFeedWarningInterval, warned <= now
        {
            fields["feed.warned_at"] = StateStore.timestamp(warned)
            logger.info("feed still lists no entries; its warning was logged within the last day", fields)
            warnedAt = nil
        } else {
            logger.warning("feed lists no entries, but it listed some before", fields)
        }
        result.warnings.append(
            "feed \(name) (\(displayURL)) lists no entries, but \(before). Nothing was removed or forgotten, so entries "
                + "that come back are not posted again. Check that the URL still serves the site's "
                + "feed: that the site did not move it, that a category or query in the URL still matches posts, "
                + "and that no CMS setting or plugin hides the posts")
        return warnedAt
    }
}
