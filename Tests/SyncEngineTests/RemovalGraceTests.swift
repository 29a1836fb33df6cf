import Foundation
import Testing

@testable import SyncEngine

/// The daemon's wait before it deletes the drafts of an item whose file is gone.
@Suite struct RemovalGraceTests {
    /// A check handed out before a reload raised the period finds the removal held again, and is handed out once
    /// more at the new due time instead of never.
    @Test func raisedPeriodHandsCheckOutAgain() throws {
        let grace = RemovalGrace(period: 10)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let first = try #require(grace.hold(source: "posts", identity: "a.md", location: "a.md", now: start))
        #expect(first.isNew)
        #expect(first.due == start.addingTimeInterval(10))
        let due = grace.takeDueChecks(now: start.addingTimeInterval(11))
        #expect(due.map(\.location) == ["a.md"])
        #expect(grace.nextDue == nil)

        grace.period = 20
        let later = start.addingTimeInterval(11)
        let again = try #require(grace.hold(source: "posts", identity: "a.md", location: "a.md", now: later))
        #expect(!again.isNew)
        #expect(grace.nextDue == start.addingTimeInterval(20))
        #expect(grace.takeDueChecks(now: start.addingTimeInterval(19)).isEmpty)
        #expect(grace.takeDueChecks(now: start.addingTimeInterval(21)).map(\.location) == ["a.md"])
        let end = start.addingTimeInterval(21)
        #expect(grace.hold(source: "posts", identity: "a.md", location: "a.md", now: end) == nil)
    }
}
