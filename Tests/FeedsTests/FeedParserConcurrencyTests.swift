import Dispatch
import Foundation
import Testing

@testable import Feeds

/// Parsing from several threads at once, as the sync engine does for several feeds.
@Suite struct FeedParserConcurrencyTests {
    @Test func parallelParsesMatchSerialOnes() throws {
        let paths = FeedparserConformanceTests.fixtures().filter { $0.hasPrefix("wellformed/atom10") }.prefix(120)
        let documents = paths.compactMap { path in
            FileManager.default.contents(
                atPath: FeedparserConformanceTests.fixtureRoot.appendingPathComponent(path).path
            )
            .map { Array($0) }
        }
        #expect(documents.count == paths.count)
        let serial = documents.map { try? FeedParser.parse($0, url: nil, contentType: nil) }
        let results = ResultsBox(count: documents.count)
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            results.set(index, try? FeedParser.parse(documents[index], url: nil, contentType: nil))
        }
        for index in documents.indices {
            let parallel = results.get(index)
            #expect(parallel?.title == serial[index]?.title, "\(paths[paths.startIndex + index])")
            #expect(parallel?.entries.map(\.contentHash) == serial[index]?.entries.map(\.contentHash))
        }
    }
}

private final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var feeds: [Feed?]

    init(count: Int) {
        feeds = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ feed: Feed?) {
        lock.lock()
        defer { lock.unlock() }
        feeds[index] = feed
    }

    func get(_ index: Int) -> Feed? {
        lock.lock()
        defer { lock.unlock() }
        return feeds[index]
    }
}
