import Foundation
import SyncEngine

/// `forget`: removes items from the state database so that the next sync treats them as new, without contacting
/// the API.
///
/// It is the way out for an item that a sync cannot change any more, such as one whose pages now group
/// differently, and for the records of a source removed from the configuration on purpose.
enum ForgetCommand {
    /// A `forget` command line that names something the state does not contain, or a state that another process uses.
    struct Failure: Error, CustomStringConvertible {
        var code: ExitCode
        var message: String

        var description: String { message }
    }

    /// Rejects a state database that belongs to another workspace than the configuration's, such as another
    /// client's after a copied configuration kept its `state` path. The commands that change the state without the
    /// API check the workspace by the id and name that the last sync recorded.
    static func checkWorkspace(_ configuration: Configuration, state: StateStore) throws {
        if let mismatch = try state.offlineWorkspaceMismatch(
            configuredWorkspace: configuration.workspace, configurationPath: configuration.path)
        {
            throw mismatch
        }
    }

    static func run(_ arguments: [String]) throws -> ExitCode {
        let parsed = try ParsedArguments(arguments, valueOptions: ["--source"])
        if parsed.format != "text" {
            throw UsageError(message: "forget prints text only, so it takes no --format \(parsed.format)")
        }
        if parsed.output != nil {
            throw UsageError(message: "forget prints to standard output only, so it takes no --output")
        }
        let sourceOption = parsed.values["--source"]
        if sourceOption == nil && parsed.positional.isEmpty {
            throw UsageError(
                message: "forget needs the items to remove, as SOURCE/ITEM_ID (the ids `planable-sync status` "
                    + "lists), or --source NAME for every item of a source")
        }
        let configuration = try loadConfiguration(parsed)
        let statePath = try existingStatePath(configuration, purpose: "has no item to forget")
        // The lock keeps a sync or the daemon from writing records while they are read and removed. A dry run
        // only reads, so it needs none.
        var lock: StateLock?
        if !parsed.dryRun {
            do {
                lock = try StateLock(statePath: statePath)
            } catch StateLockError.held(let path, let holder) {
                throw Failure(
                    code: .temporaryFailure,
                    message: "another planable-sync process\(holder.map { " (\($0))" } ?? "") is using state "
                        + "database \(statePath) (lock \(path)); stop the daemon or wait for the sync to finish, "
                        + "then run forget again")
            }
        }
        defer { lock?.release() }
        if !parsed.dryRun { try StateStore.checkWritable(path: statePath) }
        let state = try StateStore(path: statePath)
        try checkWorkspace(configuration, state: state)
        let targets = try resolveTargets(parsed.positional, source: sourceOption, state: state)

        let records = parsed.dryRun ? try state.recordsToForget(targets) : try state.forget(targets)
        let configured = Set(configuration.sources.map(\.name))
        let pageNames = try state.pageNames()
        var lines = ForgetReport.lines(records, pageNames: pageNames)
        lines.append(ForgetReport.summary(records, statePath: statePath, dryRun: parsed.dryRun))
        for source in records.feedSources where configured.contains(source) {
            lines.append(
                "Source \"\(source)\" is still in the configuration, so the next sync reads its feed as a new "
                    + "feed and records its entries without posting them, apart from its backfill.")
        }
        if let sourceOption, configured.contains(sourceOption), !records.feedSources.contains(sourceOption) {
            lines.append(
                "Source \"\(sourceOption)\" is still in the configuration, so the next sync creates a post for "
                    + "each of its items again.")
        }
        // A whole feed's entries are read as a new feed's, which posts none of them but the backfill, so only the
        // other forgotten items, and a backfill, get new posts.
        let repostedItems = records.items.filter { !records.feedSources.contains($0.source) }
        let backfilled = configuration.sources.contains { source in
            guard records.feedSources.contains(source.name), case .feed(_, let backfill, _, _) = source.kind else {
                return false
            }
            return backfill > 0
        }
        if repostedItems.isEmpty && !backfilled {
            lines.append("The posts in Planable are left as they are.")
        } else if repostedItems.isEmpty {
            lines.append(
                "The posts in Planable are left as they are. The next sync creates new posts for the entries of the "
                    + "backfill, so delete their old posts in Planable first, or both stay.")
        } else {
            lines.append(
                "The posts in Planable are left as they are. The next sync creates new posts for each forgotten item "
                    + "that is still in its source, so delete the old posts in Planable first, or both stay.")
        }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        return .success
    }

    /// Returns the state database path of `configuration`, which must exist for a command that changes records.
    ///
    /// - Parameter purpose: what a missing database means for the command, such as "has no item to forget".
    /// - Throws: `Failure` with exit code 64 when the file does not exist.
    static func existingStatePath(_ configuration: Configuration, purpose: String) throws -> String {
        let statePath = configuration.statePath
        guard FileManager.default.fileExists(atPath: statePath) else {
            throw Failure(
                code: .usage,
                message: "state database \(statePath) does not exist, so it \(purpose); check the `state` setting "
                    + "of \(configuration.path)")
        }
        return statePath
    }

    /// Turns the command line's item ids and `--source` into targets, checking each against the state.
    ///
    /// An id is `SOURCE/ITEM_ID`, as `status` lists it. Both parts may contain slashes, so the id is split after
    /// the longest source name the state records for which the rest is an item of that source.
    ///
    /// - Parameter command: the command whose arguments these are, `forget` or `post`, which the error names.
    /// - Throws: `Failure` with exit code 64 for an id or a source the state does not contain.
    static func resolveTargets(
        _ ids: [String], source: String?, state: StateStore, command: String = "forget"
    ) throws -> [ForgetTarget] {
        let sources = try state.recordedSourceNames()
        var targets: [ForgetTarget] = []
        if let source {
            guard sources.contains(source) else {
                let quoted = sources.map { "\"\($0)\"" }.joined(separator: ", ")
                let known = sources.isEmpty ? "it has no source" : "its sources are \(quoted)"
                throw Failure(
                    code: .usage,
                    message: "state database \(state.path) has no record of source \"\(source)\"; \(known). "
                        + "`planable-sync status` lists each source's items")
            }
            targets.append(.source(source))
        }
        var unknown: [String] = []
        for id in ids {
            let candidates = sources.filter { id.hasPrefix($0 + "/") }.sorted { $0.count > $1.count }
            let match = try candidates.first { name in
                try state.hasItem(source: name, identity: String(id.dropFirst(name.count + 1)))
            }
            if let match {
                targets.append(.item(source: match, identity: String(id.dropFirst(match.count + 1))))
            } else {
                unknown.append(id)
            }
        }
        guard unknown.isEmpty else {
            let example = try state.items().first.map { "\($0.source)/\($0.identity)" } ?? "posts/2024/launch.md"
            throw Failure(
                code: .usage,
                message: "state database \(state.path) has no item "
                    + unknown.map { "\"\($0)\"" }.joined(separator: ", ")
                    + "; give each item as SOURCE/ITEM_ID as `planable-sync status` lists them, such as \(example)"
                    + (command == "forget"
                        ? ", or every item of a source with --source NAME. Nothing was removed"
                        : ". Nothing was marked"))
        }
        return targets
    }
}
