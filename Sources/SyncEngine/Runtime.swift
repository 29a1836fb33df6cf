import Foundation
import HTTPClient
import Logging
import PlanableAPI
import PlanableReference
import SQLite

/// The pieces a command works with: configuration, state, API client, sources, and the embedded server when
/// the configuration says `api: embedded`.
package final class Runtime: @unchecked Sendable {
    package let configuration: Configuration
    package let state: StateStore
    package let client: PlanableClient
    /// The API token that `client` sends.
    package let token: String
    /// The setting that `token` was read from, nil for `api: embedded`.
    package let tokenOrigin: TokenOrigin?
    package let logger: Logger
    /// The in-process reference server, for `api: embedded`.
    package let embeddedServer: ReferenceServer?
    /// The folder of an embedded server started for a command that creates no state, removed with the runtime.
    private var temporaryFolder: URL?
    private let lock: StateLock?

    /// Whether `state` is the configured file. It is false when `createsState` was false and the file did not
    /// exist, and `state` is then an empty database in memory.
    package let stateFileExists: Bool

    /// Opens the state, takes its lock when `exclusive`, starts the embedded server if configured, and builds the
    /// API client.
    ///
    /// - Parameters:
    ///   - createsState: creates the state file when it does not exist. When false, a missing file is left
    ///     missing and `state` is an empty database in memory, for a command that only reads the state.
    ///   - opensState: when false, `state` is an empty database in memory even when the file exists, and an
    ///     embedded server runs in a temporary folder. `check` passes false when it has found that this user cannot
    ///     write the state's folder, which SQLite needs to open the database, so that its API checks still run.
    /// - Throws: `StateLockError`, `StateError` (also when `exclusive` and this user may not write an existing
    ///   state file), `MappingError` (token or configuration problems), or the reference server's start-up error.
    package init(
        configuration: Configuration, logger: Logger, exclusive: Bool, createsState: Bool = true,
        opensState: Bool = true, clock: any ClientClock = SystemClock()
    ) throws {
        self.configuration = configuration
        self.logger = logger
        lock = exclusive ? try StateLock(statePath: configuration.statePath) : nil
        if exclusive { try StateStore.checkWritable(path: configuration.statePath) }
        stateFileExists =
            opensState && (createsState || FileManager.default.fileExists(atPath: configuration.statePath))
        state = try StateStore(path: stateFileExists ? configuration.statePath : ":memory:")

        switch configuration.api {
        case .embedded(let options):
            // A command that only reads the state, such as check or plan, leaves no files behind when nothing was
            // synced yet, so a mistyped `state` path does not grow folders. Its embedded server starts as a first
            // sync's would, with the demo seed, in a temporary folder.
            var embeddedStatePath = configuration.statePath
            let embeddedDatabase = (parentFolder(of: configuration.statePath) as NSString)
                .appendingPathComponent("reference.sqlite")
            if !opensState || (!stateFileExists && !FileManager.default.fileExists(atPath: embeddedDatabase)) {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "planable-sync-embedded-\(UUID().uuidString)")
                temporaryFolder = folder
                embeddedStatePath = folder.appendingPathComponent("planable-sync.sqlite").path
            }
            let (server, token) = try Self.startEmbedded(
                statePath: embeddedStatePath, options: options, logger: logger)
            embeddedServer = server
            self.token = token
            tokenOrigin = nil
            let limiter = RateLimiter(
                readsPerMinute: options.readsPerMinute, writesPerMinute: options.writesPerMinute,
                window: options.windowSeconds, clock: clock)
            client = PlanableClient(
                baseURL: server.baseURL, token: token, limiter: limiter, clock: clock, logger: logger,
                timeout: configuration.apiTimeout ?? PlanableClient.defaultTimeout)
        case .remote(let url, let tokenSource):
            embeddedServer = nil
            let (token, origin) = try TokenReader.locate(
                tokenSource, configurationPath: configuration.path, logger: logger)
            self.token = token
            tokenOrigin = origin
            client = PlanableClient(
                baseURL: url, token: token, limiter: RateLimiter(clock: clock), clock: clock, logger: logger,
                timeout: configuration.apiTimeout ?? PlanableClient.defaultTimeout)
        }
    }

    deinit {
        embeddedServer?.stop()
        lock?.release()
        if let temporaryFolder { try? FileManager.default.removeItem(at: temporaryFolder) }
    }

    /// The sources the configuration lists, ready to scan.
    package func sources() -> [any ItemSource] {
        let earlierFolders = SourceOverlap.earlierFolders(configuration)
        return configuration.sources.compactMap { source -> (any ItemSource)? in
            switch source.kind {
            case .directory(let path, let include, let exclude):
                var directory = DirectorySource(
                    name: source.name, root: path, include: include, exclude: exclude,
                    mappingFingerprint: configuration.mappingFingerprint, allowsEmpty: source.allowsEmpty)
                directory.earlierFolders = earlierFolders[source.name] ?? []
                return directory
            case .feed:
                return FeedSource(
                    configuration: source, mappingFingerprint: configuration.mappingFingerprint, logger: logger,
                    remapsBlockedEntries: configuration.overwritesPlanableEdits || configuration.updatesApprovedPosts)
            }
        }
    }

    package func engine(progress: (@Sendable (Int, Int) -> Void)? = nil) -> SyncEngine {
        // The embedded server keeps a run on this machine, so media on other hosts are not probed.
        SyncEngine(
            configuration: configuration, state: state, client: client, sources: sources(), logger: logger,
            mediaReach: embeddedServer == nil ? .everyHost : .loopbackOnly, progress: progress)
    }

    /// Starts the reference server with its data beside the state database, seeded on first use with the demo
    /// company and a write token that is kept in a file readable only by this user.
    static func startEmbedded(
        statePath: String, options embedded: EmbeddedOptions, logger: Logger
    ) throws
        -> (ReferenceServer, String)
    {
        let directory = parentFolder(of: statePath)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let databasePath = (directory as NSString).appendingPathComponent("reference.sqlite")
        let tokenPath = (directory as NSString).appendingPathComponent("reference-token")
        let isNewDatabase = !FileManager.default.fileExists(atPath: databasePath)
        let token: String
        // A database without its token file, as one that `planable-sync reference` created or whose token file was
        // deleted, gets a new token, so that its drafts, labels and campaigns stay.
        var issuesToken = false
        if let saved = try? String(contentsOfFile: tokenPath, encoding: .utf8), !isNewDatabase {
            token = saved.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            issuesToken = !isNewDatabase
            token = "pln_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            guard
                FileManager.default.createFile(
                    atPath: tokenPath, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw MappingError(
                    "cannot write the embedded server's token file \(tokenPath); make the state folder writable",
                    isConfigurationError: true)
            }
        }
        var options = ReferenceServerOptions(databasePath: databasePath)
        options.seed = ReferenceSeed.demo(token: token)
        options.offlineMedia = true
        // Loopback media are downloaded for real, so tests can serve media next to the embedded server.
        options.allowLoopbackMedia = true
        options.readLimitPerMinute = embedded.readsPerMinute
        options.writeLimitPerMinute = embedded.writesPerMinute
        options.rateLimitWindowSeconds = embedded.windowSeconds
        let server: ReferenceServer
        do {
            server = try ReferenceServer(options: options)
        } catch let error as SQLiteError where error.isBusy {
            // A reference server started on the embedded database keeps the file locked while it runs.
            throw StateLockError.embeddedDatabaseInUse(path: databasePath)
        }
        if issuesToken {
            do {
                try server.issueWriteToken(token, name: "planable-sync embedded server")
            } catch {
                server.stop()
                // The file's token is in no database, so the next run issues another instead of using it.
                try? FileManager.default.removeItem(atPath: tokenPath)
                throw MappingError(
                    "the embedded server's token file \(tokenPath) is missing, and no new token could be issued for "
                        + "its database \(databasePath): \(error); restore the token file, or move the database "
                        + "aside to start afresh", isConfigurationError: true)
            }
            logger.warning(
                "the embedded server's token file was missing, so a new token was issued for its database",
                ["token.path": tokenPath, "database.path": databasePath])
        }
        if isNewDatabase || issuesToken {
            let files = [databasePath, databasePath + "-wal", databasePath + "-shm", tokenPath]
            FolderOwner.giveFiles(isNewDatabase ? files : [tokenPath], in: directory)
        }
        try server.start(host: "127.0.0.1", port: 0)
        logger.debug("embedded reference server listening", ["api.url": server.baseURL])
        return (server, token)
    }
}
