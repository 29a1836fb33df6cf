import Testing

@testable import Daemon

@Suite struct EventCoalescerTests {
    private func changed(_ path: String) -> WatchEvent { WatchEvent(path: path, kind: .changed) }
    private func removed(_ path: String) -> WatchEvent { WatchEvent(path: path, kind: .removed) }
    private func renamed(_ from: String, _ to: String) -> WatchEvent {
        WatchEvent(path: to, kind: .renamed(from: from))
    }

    private func isClose(_ value: Double?, _ expected: Double) -> Bool {
        guard let value else { return false }
        return abs(value - expected) < 1e-9
    }

    @Test func waitsForQuiet() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0)
        coalescer.record(changed("a.md"), at: 10.0)
        coalescer.record(changed("a.md"), at: 10.2)
        #expect(isClose(coalescer.nextDeadline(), 10.5))
        #expect(coalescer.takeDue(at: 10.4).isEmpty)
        #expect(coalescer.takeDue(at: 10.5) == [changed("a.md")])
        #expect(coalescer.isEmpty)
        #expect(coalescer.nextDeadline() == nil)
    }

    @Test func capsDelayWhileChanging() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0)
        for step in 0..<10 { coalescer.record(changed("log.md"), at: 10.0 + Double(step) * 0.2) }
        #expect(isClose(coalescer.nextDeadline(), 11.0))
        #expect(coalescer.takeDue(at: 11.0) == [changed("log.md")])
    }

    @Test func cappedBatchKeepsBusyPathsWaiting() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0)
        coalescer.record(changed("old.md"), at: 10.0)
        coalescer.record(changed("busy.md"), at: 10.5)
        coalescer.record(changed("busy.md"), at: 10.9)
        #expect(coalescer.takeDue(at: 11.0) == [changed("old.md")])
        #expect(isClose(coalescer.nextDeadline(), 11.2))
        #expect(coalescer.takeDue(at: 11.2) == [changed("busy.md")])
    }

    @Test func burstIsOneBatch() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0)
        for index in 0..<1000 { coalescer.record(changed("post-\(index).md"), at: 10.0 + Double(index) * 0.0002) }
        let batch = coalescer.takeDue(at: coalescer.nextDeadline()!)
        #expect(batch.count == 1000)
        #expect(batch.first == changed("post-0.md"))
        #expect(batch.last == changed("post-999.md"))
    }

    @Test func openFileWaitsForClose() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0, maximumWriteWait: 60)
        coalescer.record(changed("a.md"), at: 10.0)
        #expect(isClose(coalescer.nextDeadline(writing: ["a.md"]), 70.0))
        #expect(coalescer.takeDue(at: 11.5, writing: ["a.md"]).isEmpty)
        // The writer closes the file, which is past the maximum delay, so it is due at once.
        coalescer.record(changed("a.md"), at: 12.0)
        #expect(coalescer.takeDue(at: 12.0) == [changed("a.md")])
        #expect(coalescer.isEmpty)
    }

    @Test func openFileDueAtWriteWait() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0, maximumWriteWait: 60)
        coalescer.record(changed("a.md"), at: 10.0)
        coalescer.record(changed("a.md"), at: 50.0)
        #expect(coalescer.takeDue(at: 69.9, writing: ["a.md"]).isEmpty)
        #expect(coalescer.takeDue(at: 70.0, writing: ["a.md"]) == [changed("a.md")])
    }

    @Test func openFileHoldsOnlyItself() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0, maximumWriteWait: 60)
        coalescer.record(changed("open.md"), at: 10.0)
        coalescer.record(changed("done.md"), at: 10.1)
        #expect(isClose(coalescer.nextDeadline(writing: ["open.md"]), 10.4))
        #expect(coalescer.takeDue(at: 10.4, writing: ["open.md"]) == [changed("done.md")])
        #expect(isClose(coalescer.nextDeadline(writing: ["open.md"]), 70.0))
    }

    @Test func writeWaitIsAtLeastMaximumDelay() {
        let coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0, maximumWriteWait: 0.5)
        #expect(coalescer.maximumWriteWait == 1.0)
    }

    @Test func atomicSaveIsChange() {
        // An editor may move the old file to a backup name (a removal), then rename its temporary file onto the
        // target, which the watcher reports as a change.
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0)
        coalescer.record(removed("post.md"), at: 10.0)
        coalescer.record(changed("post.md"), at: 10.01)
        #expect(coalescer.takeDue(at: 10.31) == [changed("post.md")])
    }

    @Test func renameChainKeepsOrigin() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0)
        coalescer.record(renamed("a.md", "b.md"), at: 10.0)
        coalescer.record(renamed("b.md", "c.md"), at: 10.1)
        coalescer.record(changed("c.md"), at: 10.2)
        #expect(coalescer.takeDue(at: 10.5) == [renamed("a.md", "c.md")])
    }

    @Test func renameBackIsChange() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0)
        coalescer.record(renamed("a.md", "b.md"), at: 10.0)
        coalescer.record(renamed("b.md", "a.md"), at: 10.1)
        #expect(coalescer.takeDue(at: 10.4) == [changed("a.md")])
    }

    @Test func removalAfterRenameRemovesBoth() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0)
        coalescer.record(renamed("a.md", "b.md"), at: 10.0)
        coalescer.record(removed("b.md"), at: 10.1)
        #expect(coalescer.takeDue(at: 10.4) == [removed("b.md"), removed("a.md")])
    }

    @Test func overflowReplacesPendingEvents() {
        var coalescer = EventCoalescer(debounce: 0.3, maximumDelay: 1.0)
        coalescer.record(changed("a.md"), at: 10.0)
        coalescer.record(.overflow, at: 10.1)
        coalescer.record(changed("b.md"), at: 10.2)
        #expect(coalescer.takeDue(at: 10.4).isEmpty)
        #expect(coalescer.takeDue(at: 10.5) == [.overflow])
        #expect(coalescer.isEmpty)
    }
}
