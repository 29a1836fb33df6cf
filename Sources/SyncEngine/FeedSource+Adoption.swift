import Feeds
import Foundation

extension FeedSource {
    /// Every entry of the feed, for a state rebuild, with the keys that the feed's first run would post.
    package struct AdoptionRead: Sendable {
        /// One item per entry, in feed order.
        package var items: [SourceItem]
        /// The keys of the newest `backfill` entries, which a first run posts. A first run baselines the rest.
        package var firstRunPosted: Set<String>
    }

    /// Fetches the feed without validators and returns all of its entries.
    ///
    /// A state rebuild must see the entries that the first run baselined as well as those it posted, because
    /// either may have a post by now, and it must know which entries the first-run rule would baseline.
    ///
    /// - Throws: `SourceError` when the feed cannot be fetched or parsed, so that the caller can stop before it
    ///   records a state in which the feed's entries look new.
    package func readForAdoption() throws -> AdoptionRead {
        let feed: Feed
        switch fetcher.readOnce(url) {
        case .success(let read):
            feed = read
        case .failure(.fetch(let error)):
            // A feed over the size limit stays so until its publisher shortens it, as in a sync's scan.
            throw SourceError(
                source: name, identity: nil, message: "feed \(name) (\(displayURL)): \(error)",
                isDataError: (error as? FeedError)?.code == .tooLarge, location: displayURL)
        case .failure(.notModified):
            throw SourceError(
                source: name, identity: nil,
                message: "feed \(name) (\(displayURL)) returned 304 Not Modified to a request without validators",
                isDataError: false, location: displayURL)
        case .failure(.parse(let error)):
            // A document cut off in transfer is a temporary failure, as in a sync's scan.
            throw SourceError(
                source: name, identity: nil, message: "feed \(name) (\(displayURL)) cannot be read: \(error)",
                isDataError: (error as? FeedError)?.isTemporary != true, location: displayURL)
        }
        // Linking records the entries it does not link as old, as a first run does, so a cut-short document would
        // leave the entries after the cut to be posted as new later.
        if feed.isCutShort {
            throw SourceError(
                source: name, identity: nil,
                message: "feed \(name) (\(displayURL)) cannot be read whole: the document ends before its end tag "
                    + "(\(feed.illFormedReason ?? "it is cut short")); the next read fetches it again",
                isDataError: false, location: displayURL)
        }
        let intake = FeedIntake(feedURL: displayURL, known: [:], isNewFeed: true, backfill: backfill)
        let plan = try intake.decide(feed)
        return AdoptionRead(
            items: plan.decisions.map {
                SourceItem($0.entry, source: name, feedURL: url, contentImages: contentImages)
            },
            firstRunPosted: Set(plan.entries(.new).map(\.key)))
    }
}
