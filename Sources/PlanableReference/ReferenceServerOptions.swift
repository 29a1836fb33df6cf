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
    /// Whether media URLs may name public hosts. Tests and conformance runs set it to false, so the server fetches
    /// only from loopback IP literals and sends nothing off the machine (not even a DNS query).
    package var allowPublicMedia: Bool
    package var clock: ReferenceClock
    /// How long, in seconds of `clock` time, a post stays in `publishing` before it is published.
    package var publishingSeconds: Double
    /// The size of the HTTP server's thread pool.
    package var threadCount: Int
    /// The largest media file imported, in bytes; the API documents 100 MB.
    package var maximumMediaBytes: Int

    package init(
        databasePath: String, seed: ReferenceSeed? = nil, readLimitPerMinute: Int = 600, writeLimitPerMinute: Int = 120,
        allowLoopbackMedia: Bool = false, allowPublicMedia: Bool = true, clock: ReferenceClock = ReferenceClock(), publishingSeconds: Double = 2,
        threadCount: Int = 4, maximumMediaBytes: Int = 100 * 1024 * 1024
    ) {
        self.databasePath = databasePath
        self.seed = seed
        self.readLimitPerMinute = readLimitPerMinute
        self.writeLimitPerMinute = writeLimitPerMinute
        self.allowLoopbackMedia = allowLoopbackMedia
        self.allowPublicMedia = allowPublicMedia
        self.clock = clock
        self.publishingSeconds = publishingSeconds
        self.threadCount = threadCount
        self.maximumMediaBytes = maximumMediaBytes
    }
}
