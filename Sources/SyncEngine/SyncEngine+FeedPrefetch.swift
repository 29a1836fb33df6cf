import Foundation
import PlanableAPI

extension SyncEngine {
    /// The maximum number of feeds fetched at once. A fetch mostly waits for the network, so more run at once than
    /// there are CPUs.
    package static let concurrentFeedFetches = 8

    /// Fetches the feeds among `sources` at once, each on a thread of its own, so that a pass over many feeds waits
    /// for the slowest instead of for their sum. Feeds in `prefetchedFeeds` are not fetched again.
    ///
    /// - Throws: `PlanableAPIError.cancelled` once `shouldStop` returns true while a fetch is still running, so that
    ///   a stop does not wait out a slow feed server's time-out. The fetch goes on and its result is dropped.
    func prefetchFeeds(
        _ sources: [any ItemSource], shouldStop: @Sendable () -> Bool
    ) throws -> [String: PrefetchedFeed] {
        var results = prefetchedFeeds
        let feeds = sources.compactMap { $0 as? FeedSource }.filter { results[$0.name] == nil }
        guard !feeds.isEmpty else { return results }
        // The validators come from the state, which only this thread reads.
        let requests = feeds.map { (feed: $0, validators: $0.validators(state: state)) }
        let fetched = ThreadFanOut.map(requests, width: Self.concurrentFeedFetches, shouldStop: shouldStop) {
            $0.feed.prefetch(validators: $0.validators)
        }
        guard let fetched else { throw PlanableAPIError.cancelled(operation: "fetching feeds") }
        for (feed, result) in zip(feeds, fetched) { results[feed.name] = result }
        return results
    }
}
