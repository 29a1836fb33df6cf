import Foundation
import Glibc
import Testing

@testable import Daemon

/// Measures the watcher on a tree of 100,000 files, beside `find` listing the same tree with sizes and modification
/// times. It checks no timing and runs only with PLANABLE_SYNC_BENCHMARK=1, so a benchmark script can call
/// `PLANABLE_SYNC_BENCHMARK=1 swift test --skip-build --filter DirectoryWatcherBenchmark` and read the medians it
/// prints.
@Suite(
    .enabled(if: ProcessInfo.processInfo.environment["PLANABLE_SYNC_BENCHMARK"] == "1", "set PLANABLE_SYNC_BENCHMARK=1")
)
struct DirectoryWatcherBenchmark {
    static let folderCount = 100
    static let filesPerFolder = 1000
    static let runs = 5

    @Test func watchSetupBesideFind() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for folderIndex in 0..<Self.folderCount {
            let name = String(format: "posts-%03d", folderIndex)
            try folder.makeFolder(name)
            for fileIndex in 0..<Self.filesPerFolder {
                let descriptor = open(
                    "\(folder.path)/\(name)/post-\(fileIndex).md", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                try #require(descriptor >= 0)
                _ = write(descriptor, "# Post\n", 7)
                close(descriptor)
            }
        }

        let find = try (0..<Self.runs).map { _ in
            try Self.time {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/find")
                process.arguments = [folder.path, "-type", "f", "-printf", "%s %T@ %p\n"]
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
            }
        }
        let start = try (0..<Self.runs).map { _ in
            let watcher = DirectoryWatcher(root: folder.path)
            let seconds = try Self.time { try watcher.start { _ in } }
            watcher.stop()
            return seconds
        }
        let latency = try Self.saveLatencies(in: folder)

        let files = Self.folderCount * Self.filesPerFolder
        let findMedian = Self.median(find)
        let startMedian = Self.median(start)
        print("benchmark: \(files) files in \(Self.folderCount + 1) folders, \(Self.runs) runs, medians")
        print(String(format: "benchmark: find -printf size and mtime: %.3f s", findMedian))
        print(
            String(
                format: "benchmark: DirectoryWatcher.start (walk and watch every folder): %.3f s, %.2f x find",
                startMedian, startMedian / findMedian))
        print(
            String(
                format: "benchmark: save to handler with debounce 0.3 s: %.3f s median, %.3f s max over %d saves",
                Self.median(latency), latency.max() ?? 0, latency.count))
    }

    /// Returns the seconds from each of 20 file writes to the batch that reports it.
    private static func saveLatencies(in folder: TemporaryFolder) throws -> [Double] {
        let recorder = WatchRecorder()
        let watcher = DirectoryWatcher(root: folder.path)
        try watcher.start(handler: recorder.handler)
        defer { watcher.stop() }
        var latencies: [Double] = []
        for index in 0..<20 {
            let path = "posts-000/post-\(index).md"
            let written = WatchRecorder.now()
            try folder.write(path, "# Edited \(index)\n")
            let event = WatchEvent(path: path, kind: .changed)
            #expect(recorder.wait(for: [event]))
            if let arrival = recorder.arrival(of: event) { latencies.append(arrival - written) }
        }
        return latencies
    }

    private static func time(_ body: () throws -> Void) throws -> Double {
        let started = WatchRecorder.now()
        try body()
        return WatchRecorder.now() - started
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
