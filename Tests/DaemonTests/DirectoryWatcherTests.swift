import Foundation
import Glibc
import Testing

@testable import Daemon

/// Runs `body` with a started watcher on a fresh temporary folder, then stops it and removes the folder.
private func withWatcher(
    debounce: Double = 0.3, maximumDelay: Double = 1.0, maximumWriteWait: Double = 60,
    prepare: (TemporaryFolder) throws -> Void = { _ in }, _ body: (TemporaryFolder, WatchRecorder) throws -> Void
) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try prepare(folder)
    let recorder = WatchRecorder()
    let watcher = DirectoryWatcher(
        root: folder.path, debounce: debounce, maximumDelay: maximumDelay, maximumWriteWait: maximumWriteWait)
    try watcher.start(handler: recorder.handler, onError: recorder.errorHandler)
    defer { watcher.stop() }
    try body(folder, recorder)
    #expect(recorder.errors.isEmpty, "watch errors: \(recorder.errors)")
}

private func changed(_ path: String) -> WatchEvent { WatchEvent(path: path, kind: .changed) }
private func removed(_ path: String) -> WatchEvent { WatchEvent(path: path, kind: .removed) }
private func renamed(_ from: String, _ to: String) -> WatchEvent { WatchEvent(path: to, kind: .renamed(from: from)) }

@Suite struct DirectoryWatcherTests {
    @Test func createReachesHandlerWithinSecond() throws {
        try withWatcher { folder, recorder in
            let written = WatchRecorder.now()
            try folder.write("post.md", "# Hello\n")
            #expect(recorder.wait(for: [changed("post.md")]))
            let arrival = try #require(recorder.arrival(of: changed("post.md")))
            #expect(arrival - written >= 0.25, "delivered before the debounce: \(arrival - written) s")
            #expect(arrival - written < 1.0, "delivered after \(arrival - written) s")
            recorder.settle()
            #expect(recorder.events == [changed("post.md")])
        }
    }

    @Test func modifyIsChange() throws {
        try withWatcher(prepare: { try $0.write("post.md", "one\n") }) { folder, recorder in
            let handle = try FileHandle(forWritingTo: folder.url("post.md"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("two\n".utf8))
            try handle.close()
            #expect(recorder.wait(for: [changed("post.md")]))
            recorder.settle()
            #expect(recorder.batches == [[changed("post.md")]])
        }
    }

    @Test func atomicSaveIsOneChange() throws {
        try withWatcher(prepare: { try $0.write("post.md", "old\n") }) { folder, recorder in
            // Vim probes the folder with 4913 and keeps a swap file. Other editors write a temporary file and
            // rename it over the target.
            try folder.write("4913", "")
            try folder.remove("4913")
            try folder.write(".post.md.swp", "swap")
            try folder.write("post.md.tmp", "new\n")
            try folder.move("post.md.tmp", "post.md")
            try folder.remove(".post.md.swp")
            #expect(recorder.wait(for: [changed("post.md")]))
            recorder.settle()
            #expect(recorder.batches == [[changed("post.md")]])
        }
    }

    @Test func backupRenameSaveIsOneChange() throws {
        try withWatcher(prepare: { try $0.write("post.md", "old\n") }) { folder, recorder in
            // Vim with backupcopy=no renames the file to its backup name, writes a new file, then deletes the backup.
            try folder.move("post.md", "post.md~")
            try folder.write("post.md", "new\n")
            try folder.remove("post.md~")
            #expect(recorder.wait(for: [changed("post.md")]))
            recorder.settle()
            #expect(recorder.batches == [[changed("post.md")]])
        }
    }

    @Test func openFileWaitsForClose() throws {
        try withWatcher(debounce: 0.1, maximumDelay: 0.3, prepare: { try $0.write("post.md", "---\n") }) {
            folder, recorder in
            let handle = try FileHandle(forWritingTo: folder.url("post.md"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("title: Half\n".utf8))
            // Past the debounce and the maximum delay, the file is still open, so nothing is delivered.
            recorder.settle(0.8)
            #expect(recorder.events == [])
            try handle.write(contentsOf: Data("---\nBody\n".utf8))
            try handle.close()
            #expect(recorder.wait(for: [changed("post.md")]))
            recorder.settle()
            #expect(recorder.batches == [[changed("post.md")]])
        }
    }

    @Test func openFileDeliveredAfterWriteWait() throws {
        try withWatcher(
            debounce: 0.1, maximumDelay: 0.3, maximumWriteWait: 0.8, prepare: { try $0.write("log.md", "one\n") }
        ) { folder, recorder in
            let handle = try FileHandle(forWritingTo: folder.url("log.md"))
            defer { try? handle.close() }
            try handle.seekToEnd()
            let written = WatchRecorder.now()
            try handle.write(contentsOf: Data("two\n".utf8))
            #expect(recorder.wait(for: [changed("log.md")]))
            let arrival = try #require(recorder.arrival(of: changed("log.md")))
            #expect(arrival - written >= 0.7, "delivered while open after \(arrival - written) s")
        }
    }

    @Test func renamedOpenFileWaitsForClose() throws {
        try withWatcher(debounce: 0.1, maximumDelay: 0.3, prepare: { try $0.write("draft.md", "one\n") }) {
            folder, recorder in
            let handle = try FileHandle(forWritingTo: folder.url("draft.md"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("two\n".utf8))
            try folder.move("draft.md", "post.md")
            recorder.settle(0.8)
            #expect(recorder.events == [])
            try handle.close()
            #expect(recorder.wait(for: [renamed("draft.md", "post.md")]))
            recorder.settle()
            #expect(recorder.events == [renamed("draft.md", "post.md")])
        }
    }

    @Test func renameOverOpenFileIsDelivered() throws {
        try withWatcher(debounce: 0.1, maximumDelay: 0.3, prepare: { try $0.write("post.md", "one\n") }) {
            folder, recorder in
            // A writer still has the old post.md open when a complete, closed file is renamed over it.
            let handle = try FileHandle(forWritingTo: folder.url("post.md"))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("two\n".utf8))
            try folder.write("next.md", "whole\n")
            try folder.move("next.md", "post.md")
            // The new post.md is closed, so it does not wait for the writer of the file it replaced.
            #expect(recorder.wait(for: [renamed("next.md", "post.md")], timeout: 3))
        }
    }

    @Test func renameKeepsOrigin() throws {
        try withWatcher(prepare: { try $0.write("a.md", "text\n") }) { folder, recorder in
            try folder.move("a.md", "b.md")
            #expect(recorder.wait(for: [renamed("a.md", "b.md")]))
            recorder.settle()
            #expect(recorder.events == [renamed("a.md", "b.md")])
        }
    }

    @Test func deleteIsRemoval() throws {
        try withWatcher(prepare: { try $0.write("a.md", "text\n") }) { folder, recorder in
            try folder.remove("a.md")
            #expect(recorder.wait(for: [removed("a.md")]))
            recorder.settle()
            #expect(recorder.events == [removed("a.md")])
        }
    }

    @Test func newSubfolderIsWatched() throws {
        try withWatcher { folder, recorder in
            // The file is written right after mkdir, usually before the watch exists, so the scan must find it.
            try folder.makeFolder("2024/05")
            try folder.write("2024/05/first.md", "one\n")
            #expect(recorder.wait(for: [changed("2024/05/first.md")]))
            try folder.write("2024/05/second.md", "two\n")
            #expect(recorder.wait(for: [changed("2024/05/second.md")]))
            recorder.settle()
            #expect(Set(recorder.events) == [changed("2024/05/first.md"), changed("2024/05/second.md")])
        }
    }

    /// A folder made readable again, as by chmod, may hold files that the daemon's user could not read, so each file
    /// under it is reported as changed.
    @Test func permissionChangeReportsFolderFiles() throws {
        let prepare: (TemporaryFolder) throws -> Void = { folder in
            try folder.makeFolder("sub/deep")
            try folder.write("sub/a.md", "a\n")
            try folder.write("sub/deep/b.md", "b\n")
            try folder.write("c.md", "c\n")
        }
        try withWatcher(prepare: prepare) { folder, recorder in
            #expect(chmod(folder.path + "/sub", 0o700) == 0)
            #expect(recorder.wait(for: [changed("sub/a.md"), changed("sub/deep/b.md")]))
            #expect(chmod(folder.path + "/c.md", 0o600) == 0)
            #expect(recorder.wait(for: [changed("c.md")]))
        }
    }

    @Test func rootPermissionChangeReportsOverflow() throws {
        try withWatcher(prepare: { try $0.write("a.md", "a\n") }) { folder, recorder in
            #expect(chmod(folder.path, 0o700) == 0)
            #expect(recorder.wait(for: [.overflow]))
            try folder.write("later.md", "x\n")
            #expect(recorder.wait(for: [changed("later.md")]))
        }
    }

    @Test func folderMovedInIsScanned() throws {
        let outside = try TemporaryFolder()
        defer { outside.remove() }
        try outside.makeFolder("drafts/deep")
        try outside.write("drafts/a.md", "a\n")
        try outside.write("drafts/deep/b.md", "b\n")
        try withWatcher { folder, recorder in
            guard rename(outside.path + "/drafts", folder.path + "/drafts") == 0 else {
                Issue.record("rename failed: \(String(cString: strerror(errno)))")
                return
            }
            #expect(recorder.wait(for: [changed("drafts/a.md"), changed("drafts/deep/b.md")]))
            try folder.write("drafts/deep/c.md", "c\n")
            #expect(recorder.wait(for: [changed("drafts/deep/c.md")]))
        }
    }

    @Test func folderRenameRenamesEachFile() throws {
        let prepare: (TemporaryFolder) throws -> Void = { folder in
            try folder.makeFolder("posts/old")
            try folder.write("posts/a.md", "a\n")
            try folder.write("posts/old/b.md", "b\n")
        }
        try withWatcher(prepare: prepare) { folder, recorder in
            try folder.move("posts", "articles")
            let expected = [renamed("posts/a.md", "articles/a.md"), renamed("posts/old/b.md", "articles/old/b.md")]
            #expect(recorder.wait(for: expected))
            // The watches below the renamed folder report under the new path.
            try folder.write("articles/old/c.md", "c\n")
            #expect(recorder.wait(for: [changed("articles/old/c.md")]))
            recorder.settle()
            #expect(Set(recorder.events) == Set(expected + [changed("articles/old/c.md")]))
        }
    }

    @Test func moveOutIsRemoval() throws {
        let outside = try TemporaryFolder()
        defer { outside.remove() }
        let prepare: (TemporaryFolder) throws -> Void = { folder in
            try folder.write("a.md", "a\n")
            try folder.makeFolder("drafts")
        }
        try withWatcher(prepare: prepare) { folder, recorder in
            #expect(rename(folder.path + "/a.md", outside.path + "/a.md") == 0)
            #expect(rename(folder.path + "/drafts", outside.path + "/drafts") == 0)
            #expect(recorder.wait(for: [removed("a.md"), removed("drafts")]))
            // The moved folder's watch is gone, so writes outside the tree stay unreported.
            try outside.write("drafts/later.md", "x\n")
            recorder.settle()
            #expect(Set(recorder.events) == [removed("a.md"), removed("drafts")])
        }
    }

    @Test func hiddenAndLinkedFoldersIgnored() throws {
        let outside = try TemporaryFolder()
        defer { outside.remove() }
        try withWatcher(prepare: { try $0.makeFolder(".git") }) { folder, recorder in
            #expect(symlink(outside.path, folder.path + "/linked") == 0)
            try folder.write(".git/index", "x")
            try folder.write("notes.md~", "x")
            try folder.makeFolder(".cache/sub")
            try outside.write("through-link.md", "x\n")
            try folder.write("visible.md", "x\n")
            #expect(recorder.wait(for: [changed("visible.md")]))
            recorder.settle()
            // The link itself is a name in the tree, but nothing behind it is watched.
            #expect(Set(recorder.events) == [changed("linked"), changed("visible.md")])
        }
    }

    @Test func rootMoveReportsOverflow() throws {
        let parent = try TemporaryFolder()
        defer { parent.remove() }
        try parent.makeFolder("root/sub")
        let recorder = WatchRecorder()
        let watcher = DirectoryWatcher(root: parent.path + "/root")
        try watcher.start(handler: recorder.handler)
        defer { watcher.stop() }
        #expect(watcher.isRootWatched)

        try parent.move("root", "moved")
        #expect(recorder.wait(for: [.overflow]))
        #expect(!watcher.isRootWatched)
        try parent.write("moved/sub/later.md", "x\n")
        recorder.settle()
        #expect(recorder.events == [.overflow])
    }

    @Test func restartAfterRootReturns() throws {
        let parent = try TemporaryFolder()
        defer { parent.remove() }
        try parent.makeFolder("root")
        let recorder = WatchRecorder()
        let watcher = DirectoryWatcher(root: parent.path + "/root")
        try watcher.start(handler: recorder.handler)
        defer { watcher.stop() }

        try parent.move("root", "away")
        #expect(recorder.wait(for: [.overflow]))
        watcher.stop()
        try parent.move("away", "root")
        try watcher.start(handler: recorder.handler)
        #expect(watcher.isRootWatched)
        try parent.write("root/back.md", "x\n")
        #expect(recorder.wait(for: [.overflow, WatchEvent(path: "back.md", kind: .changed)]))
    }

    @Test func rootRemovalReportsOverflow() throws {
        let parent = try TemporaryFolder()
        defer { parent.remove() }
        try parent.makeFolder("root")
        let recorder = WatchRecorder()
        let watcher = DirectoryWatcher(root: parent.path + "/root")
        try watcher.start(handler: recorder.handler)
        defer { watcher.stop() }

        try parent.remove("root")
        #expect(recorder.wait(for: [.overflow]))
        #expect(!watcher.isRootWatched)
    }

    @Test func burstHasFewBatches() throws {
        try withWatcher { folder, recorder in
            let names = (0..<1000).map { "burst-\($0).md" }
            let started = WatchRecorder.now()
            for name in names {
                let descriptor = open(folder.path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                try #require(descriptor >= 0)
                _ = write(descriptor, name, name.utf8.count)
                close(descriptor)
            }
            let duration = WatchRecorder.now() - started
            let expected = Set(names.map(changed))
            #expect(recorder.wait(timeout: 10) { expected.isSubset(of: Set($0)) })
            recorder.settle()
            #expect(recorder.events.count == 1000, "each file once, got \(recorder.events.count) events")
            // A burst that ends within maximumDelay is one batch. A longer burst, as on a loaded machine, is
            // flushed about every maximumDelay - debounce = 0.7 s.
            let bound = 2 + Int(duration / 0.7)
            #expect(recorder.batches.count <= bound, "\(recorder.batches.count) batches for a \(duration) s burst")
        }
    }

    @Test func idleReaderUsesNoCPU() throws {
        try withWatcher { folder, recorder in
            try folder.write("post.md", "x\n")
            #expect(recorder.wait(for: [changed("post.md")]))
            let before = Self.readerCPUTicks()
            #expect(!before.isEmpty, "no reader thread found")
            Thread.sleep(forTimeInterval: 1)
            let after = Self.readerCPUTicks()
            // Other tests run watchers in this process at the same time, and one of them may be busy, so the
            // least busy reader counts. A reader that polled in a loop would use about 100 ticks (10 ms each) in
            // that second, and so would every other reader.
            let used = before.compactMap { task, ticks in after[task].map { $0 - ticks } }.min() ?? 0
            #expect(used <= 2, "the idle reader thread used \(used) ticks in one second")
        }
    }

    /// Returns the user and system CPU time of each watcher reader thread in this process in clock ticks, by
    /// thread id, from /proc.
    private static func readerCPUTicks() -> [String: Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var ticks: [String: Int] = [:]
        for task in tasks {
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                let nameEnd = stat.range(of: ") ", options: .backwards)
            else { continue }
            guard stat.contains("(planable-inotif)") else { continue }
            let fields = stat[nameEnd.upperBound...].split(separator: " ")
            // After the name come state (field 3) ... utime (14) and stime (15), so indexes 11 and 12 here.
            guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { continue }
            ticks[task] = user + system
        }
        return ticks
    }

    @Test func stopEndsDelivery() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let recorder = WatchRecorder()
        let watcher = DirectoryWatcher(root: folder.path)
        try watcher.start(handler: recorder.handler)
        try folder.write("before.md", "x\n")
        #expect(recorder.wait(for: [changed("before.md")]))
        watcher.stop()
        watcher.stop()
        try folder.write("after.md", "x\n")
        recorder.settle()
        #expect(recorder.events == [changed("before.md")])
    }

    @Test func stopFromHandlerReturns() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let watcher = DirectoryWatcher(root: folder.path, debounce: 0.05)
        let stopped = DispatchSemaphore(value: 0)
        try watcher.start { _ in
            watcher.stop()
            stopped.signal()
        }
        try folder.write("post.md", "x\n")
        #expect(stopped.wait(timeout: .now() + 5) == .success)
    }

    @Test func missingRootThrows() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let watcher = DirectoryWatcher(root: folder.path + "/missing")
        let error = #expect(throws: DirectoryWatcherError.self) { try watcher.start { _ in } }
        #expect(error?.code == ENOENT)
        #expect(error?.description.contains(folder.path + "/missing") == true, "\(String(describing: error))")
    }

    @Test func fileRootThrows() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("post.md", "x\n")
        let watcher = DirectoryWatcher(root: folder.path + "/post.md")
        let error = #expect(throws: DirectoryWatcherError.self) { try watcher.start { _ in } }
        #expect(error?.code == ENOTDIR)
    }
}
