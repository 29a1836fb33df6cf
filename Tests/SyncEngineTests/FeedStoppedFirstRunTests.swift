import Foundation
import Logging
import PlanableReference
import Testing

@testable import SyncEngine

/// Stopped first runs of a feed. The next run finishes such a run, also when the feed got a new entry meanwhile: the
/// entries that the stop left are posted, and so is the new one.
@Suite(.serialized) struct FeedStoppedFirstRunTests {
    static func feed(_ numbers: ClosedRange<Int>) -> String {
        let items = numbers.reversed().map { number in
            """
            <item><guid>urn:entry:\(number)</guid><title>Entry \(number)</title>
            <link>https://news.example/\(number)</link><description>Entry number \(number).</description>
            <pubDate>\(["Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mon"][number - 1]), 0\(number) Dec 2026 09:00:00 GMT</pubDate></item>
            """
        }
        return "<rss version=\"2.0\"><channel><title>News</title>" + items.joined(separator: "\n") + "</channel></rss>"
    }

    @Test func stoppedRunPostsRestAfterNewEntry() throws {
        let (workspace, feedPath) = try TestWorkspace.withNewsFeed(pages: ["Northwind LinkedIn"], backfill: 4)
        defer { workspace.remove() }
        try Self.feed(1...6).write(to: feedPath, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(path: workspace.configPath)
        do {
            let runtime = try Runtime(
                configuration: configuration, logger: Logger(label: "test", destination: .none), exclusive: true)
            let done = LockedValue(0)
            let engine = runtime.engine(progress: { count, _ in done.withLock { $0 = count } })
            // The stop comes after the first two items, the two newest entries.
            let stopped = try engine.run(mode: .apply, shouldStop: { done.withLock { $0 } >= 2 })
            #expect(stopped.created == 2)
            #expect(stopped.notReached == 2)
        }
        try Self.feed(1...7).write(to: feedPath, atomically: true, encoding: .utf8)
        let resumed = try workspace.run(.apply)
        let created = Set(resumed.items.filter { $0.decision == .create }.map(\.title))
        #expect(created == ["Entry 7", "Entry 4", "Entry 3"], "\(resumed.items.map { "\($0.title) \($0.decision)" })")
        #expect(!resumed.items.contains { $0.decision == .baselined && $0.title == "Entry 3" })
    }
}
