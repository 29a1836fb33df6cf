import Foundation
import Synchronization

extension SyncEngine {
    /// The maximum number of feeds fetched at once. A fetch mostly waits for the network, so more run at once than there are CPUs.
    static let concurrentFeedFetches = 8

    /// Fetches the feeds among `sources` at once, each on a thread of its own, so that a pass over many feeds waits
    /// for the slowest instead of for their sum. Feeds in `prefetchedFeeds` are not fetched again. A pass that reads
    /// one feed fetches it in its scan, so this returns nothing for it.
    func prefetchFeeds(_ sources: [any ItemSource]) -> [String: PrefetchedFeed] {
        var results = prefetchedFeeds
        let feeds = sources.compactMap { $0 as? FeedSource }.filter { results[$0.name] == nil }
        guard feeds.count > 1 else { return results }
        // The validators come from the state, which only this thread reads.
        let requests = feeds.map { (feed: $0, validators: $0.validators(state: state)) }
        let fetched = Mutex<[String: PrefetchedFeed]>([:])
        let slots = DispatchSemaphore(value: Self.concurrentFeedFetches)
        let group = DispatchGroup()
        for request in requests {
            slots.wait()
            group.enter()
            Thread.detachNewThread {
                let result = request.feed.prefetch(validators: request.validators)
                fetched.withLock { $0[request.feed.name] = result }
                slots.signal()
                group.leave()
            }
        }
        group.wait()
        results.merge(fetched.withLock { $0 }) { first, _ in first }
        return results
    }
}
