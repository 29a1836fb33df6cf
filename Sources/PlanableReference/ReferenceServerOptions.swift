/// How a `ReferenceServer` is set up.
package struct ReferenceServerOptions: Sendable {
    /// The SQLite file; created with the schema (and `seed`) when missing.
    package var databasePath: String
    /// Applied only when the database is new.
    package var seed: ReferenceSeed?
    package var readLimitPerMinute: Int
    package var writeLimitPerMinute: Int
    /// Whether media URLs on loopback addresses are downloaded; other private addresses stay refused.
    package var allowLoopbackMedia: Bool
    /// Whether media on hosts other than loopback are recorded without a download, judged by their file name.
    /// The embedded server sets it, so an offline run never connects to another host.
    package var offlineMedia = false
    /// The rate limits' sliding window, in seconds; the real API's is 60, and tests shorten it.
    package var rateLimitWindowSeconds: Double = 60
    package var clock: ReferenceClock
    /// How long, in seconds of `clock` time, a post stays in `publishing` before it is published.
    package var publishingSeconds: Double
    /// The size of the HTTP server's thread pool.
    package var threadCount: Int
    /// Whether the server keeps its SQLite file locked while it runs (SQLite's exclusive locking mode). It makes
    /// each request cheaper, but no other connection can open the file meanwhile; `planable-sync reference` sets it.
    package var exclusiveDatabase = false
    /// The largest media file imported, in bytes; the API documents 100 MB.
    package var maximumMediaBytes: Int

    package init(
        databasePath: String, seed: ReferenceSeed? = nil, readLimitPerMinute: Int = 600, writeLimitPerMinute: Int = 120,
        allowLoopbackMedia: Bool = false, clock: ReferenceClock = ReferenceClock(), publishingSeconds: Double = 2,
        threadCount: Int = 4, maximumMediaBytes: Int = 100 * 1024 * 1024
    ) {
        self.databasePath = databasePath
        self.seed = seed
        self.readLimitPerMinute = readLimitPerMinute
        self.writeLimitPerMinute = writeLimitPerMinute
        self.allowLoopbackMedia = allowLoopbackMedia
        self.clock = clock
        self.publishingSeconds = publishingSeconds
        self.threadCount = threadCount
        self.maximumMediaBytes = maximumMediaBytes
    }
}
