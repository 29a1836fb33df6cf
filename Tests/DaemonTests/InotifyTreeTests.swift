import Glibc
import Testing

@testable import Daemon

/// Feeds records to an `InotifyTree` over a real inotify descriptor and a real folder: synthetic records for the
/// reports that are hard to provoke, and the records of a real queue overflow.
@Suite struct InotifyTreeTests {
    private func withTree(_ body: (TemporaryFolder, InotifyTree, Int32) throws -> Void) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let tree = InotifyTree(root: folder.path, descriptor: descriptor)
        tree.addTree("", reportFiles: false)
        let root = try #require(tree.descriptors[""])
        try body(folder, tree, root)
        #expect(tree.takeErrors().isEmpty)
    }

    private func translate(_ tree: InotifyTree, _ records: [InotifyRecord], at time: Double = 1) -> [WatchEvent] {
        let bytes = InotifyDecoder.encode(records)
        return bytes.withUnsafeBytes { tree.translate(InotifyDecoder.decode($0), at: time) }
    }

    @Test func overflowBufferProducesOverflow() throws {
        try withTree { folder, tree, _ in
            // A folder created while events were lost must be watched after the overflow.
            try folder.makeFolder("lost/inner")
            let events = translate(tree, [InotifyRecord(descriptor: -1, mask: UInt32(IN_Q_OVERFLOW))])
            #expect(events == [.overflow])
            #expect(tree.watchedFolders == ["", "lost", "lost/inner"])
        }
    }

    @Test func kernelOverflowProducesOverflow() throws {
        // The test reads the descriptor only after writing every file, so the kernel queue overflows for real.
        let limitText = try String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8)
        let limit = try #require(Int(limitText.trimmingCharacters(in: .whitespacesAndNewlines)))
        try withTree { folder, tree, _ in
            // Each new file queues IN_CREATE, IN_MODIFY and IN_CLOSE_WRITE.
            for index in 0..<(limit / 3 + 100) {
                let descriptor = open("\(folder.path)/file-\(index).md", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                try #require(descriptor >= 0)
                _ = write(descriptor, "x", 1)
                close(descriptor)
            }
            var records: [InotifyRecord] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(tree.descriptor, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                records += buffer.withUnsafeBytes {
                    InotifyDecoder.decode(UnsafeRawBufferPointer(rebasing: $0[0..<count]))
                }
            }
            #expect(
                records.last?.mask == UInt32(IN_Q_OVERFLOW),
                "last of \(records.count) records: \(String(describing: records.last))")
            let events = tree.translate(records, at: 1)
            #expect(events.last == .overflow)
        }
    }

    @Test func movePairedByCookie() throws {
        try withTree { _, tree, root in
            let events = translate(
                tree,
                [
                    InotifyRecord(descriptor: root, mask: UInt32(IN_MOVED_FROM), cookie: 9, name: "a.md"),
                    InotifyRecord(descriptor: root, mask: UInt32(IN_MOVED_FROM), cookie: 10, name: "c.md"),
                    InotifyRecord(descriptor: root, mask: UInt32(IN_MOVED_TO), cookie: 9, name: "b.md"),
                ])
            #expect(events == [WatchEvent(path: "b.md", kind: .renamed(from: "a.md"))])
            #expect(tree.expireMoves(at: 1.01).isEmpty)
            #expect(tree.expireMoves(at: 1.1) == [WatchEvent(path: "c.md", kind: .removed)])
            #expect(tree.nextMoveDeadline == nil)
        }
    }

    @Test func moveFromIgnoredNameIsChange() throws {
        try withTree { _, tree, root in
            let events = translate(
                tree,
                [
                    InotifyRecord(descriptor: root, mask: UInt32(IN_MOVED_FROM), cookie: 3, name: ".post.md.tmp"),
                    InotifyRecord(descriptor: root, mask: UInt32(IN_MOVED_TO), cookie: 3, name: "post.md"),
                    InotifyRecord(descriptor: root, mask: UInt32(IN_MOVED_FROM), cookie: 4, name: "old.md"),
                    InotifyRecord(descriptor: root, mask: UInt32(IN_MOVED_TO), cookie: 4, name: "old.md~"),
                ])
            #expect(
                events == [WatchEvent(path: "post.md", kind: .changed), WatchEvent(path: "old.md", kind: .removed)])
        }
    }

    @Test func rootRemovalProducesOverflow() throws {
        try withTree { _, tree, root in
            let events = translate(tree, [InotifyRecord(descriptor: root, mask: UInt32(IN_DELETE_SELF))])
            #expect(events == [.overflow])
        }
    }

    @Test func rootWatchRemovedProducesOverflow() throws {
        try withTree { _, tree, root in
            // inotify_rm_watch makes the kernel send a lone IN_IGNORED for the root, with no DELETE_SELF before it.
            #expect(inotify_rm_watch(tree.descriptor, root) == 0)
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { read(tree.descriptor, $0.baseAddress, $0.count) }
            try #require(count > 0)
            let records = buffer.withUnsafeBytes {
                InotifyDecoder.decode(UnsafeRawBufferPointer(rebasing: $0[0..<count]))
            }
            #expect(records.map(\.mask) == [UInt32(IN_IGNORED)])
            #expect(tree.translate(records, at: 1) == [.overflow])
            #expect(tree.descriptors[""] == nil)
        }
    }

    @Test func unknownDescriptorIgnored() throws {
        try withTree { _, tree, root in
            let events = translate(tree, [InotifyRecord(descriptor: root + 100, mask: UInt32(IN_CREATE), name: "x.md")])
            #expect(events.isEmpty)
        }
    }
}
