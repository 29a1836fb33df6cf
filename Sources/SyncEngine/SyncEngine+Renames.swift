import Content
import Foundation
import HTTPClient

extension SyncEngine {
    /// Hands the records of an unlisted source to a configured source that is a renamed copy of it.
    ///
    /// Items are keyed by their source's name, so a source renamed in the configuration would find none of its
    /// items and create every post again. A configured source that has no item yet takes over the records of an
    /// unlisted source when they are the same source. For a feed that means the same URL. For a folder it means
    /// that at least 80 % of a sample of the old source's files exist at the same paths.
    ///
    /// A split into several sources that share the old folder, each with its own `include`, hands each item to the
    /// source whose patterns match its file.
    func adoptRenamedSources() throws {
        let takeovers = try sourceTakeovers()
        guard !takeovers.isEmpty else { return }
        for takeover in takeovers {
            // Every record moves, those of entries recorded without a post too.
            let moved = try takeover.identities?.count ?? state.items(source: takeover.old).count
            try state.renameSource(from: takeover.old, to: takeover.new, identities: takeover.identities)
            logger.warning(
                "source was renamed in the configuration, so its items were moved to the new name instead of being "
                    + "created again",
                [
                    "source.old": takeover.old, "source.new": takeover.new,
                    "items": String(moved),
                ])
        }
    }

    /// One source's records moving to another name: all of them, or the items in `identities`.
    struct SourceTakeover {
        var old: String
        var new: String
        var identities: [String]?
    }

    /// Lists the unlisted sources that a configured source without items is a renamed copy of, as (old, new).
    package func renamedSources() throws -> [(old: String, new: String)] {
        try sourceTakeovers().map { ($0.old, $0.new) }
    }

    /// Works out which configured sources without items take over which unlisted sources' records.
    func sourceTakeovers() throws -> [SourceTakeover] {
        // Only a source without items takes records over, and looking for one costs a lookup per source, where
        // listing the unlisted sources scans every item.
        var free = try configuration.sources.filter { try !state.hasItems(source: $0.name) }
        guard !free.isEmpty else { return [] }
        let listed = Set(configuration.sources.map(\.name))
        let unlisted = try state.syncedItemCounts(outside: listed).keys.sorted()
        guard !unlisted.isEmpty else { return [] }
        var takeovers: [SourceTakeover] = []
        for old in unlisted {
            let candidates = try free.filter { try isRenamed(from: old, to: $0) }
            guard let first = candidates.first else { continue }
            if case .feed = first.kind {
                takeovers.append(SourceTakeover(old: old, new: first.name))
            } else {
                // Each item goes to the first source on the old folder whose patterns take its file, so a source split
                // in two by `include` keeps every item. Items that no source takes stay under the old name.
                let items = try state.items(source: old).filter { $0.status != "removed" }
                let scanners = candidates.compactMap(Self.scanner)
                var byTarget: [String: [String]] = [:]
                for item in items {
                    guard let location = item.location,
                        let target = scanners.first(where: { Self.includes($0.scanner, location) })
                    else { continue }
                    byTarget[target.name, default: []].append(item.identity)
                }
                for candidate in candidates {
                    guard let identities = byTarget[candidate.name] else { continue }
                    let whole = byTarget.count == 1 && identities.count == items.count
                    takeovers.append(
                        SourceTakeover(old: old, new: candidate.name, identities: whole ? nil : identities))
                }
            }
            let taken = Set(takeovers.filter { $0.old == old }.map(\.new))
            free.removeAll { taken.contains($0.name) }
        }
        return takeovers
    }

    /// Builds the scanner of a directory source, with its patterns compiled once, or nil for a feed.
    private static func scanner(_ source: SourceConfiguration) -> (name: String, scanner: DirectoryScanner)? {
        guard case .directory(let path, let include, let exclude) = source.kind else { return nil }
        return (source.name, DirectoryScanner(root: path, include: include, exclude: exclude))
    }

    /// Tells whether the file at `location` exists below the scanner's root and its patterns take it.
    private static func includes(_ scanner: DirectoryScanner, _ location: String) -> Bool {
        scanner.takes(location) && FileManager.default.fileExists(atPath: scanner.root + "/" + location)
    }

    /// Copies the state for `plan` into a temporary file and makes the renames a sync would make there. Returns
    /// nil when there is none; the caller deletes the copy.
    func previewRenames() throws -> StateStore? {
        let takeovers = try sourceTakeovers()
        guard !takeovers.isEmpty else { return nil }
        let path = NSTemporaryDirectory() + "planable-sync-plan-\(UUID().uuidString).sqlite"
        try state.copy(to: path)
        let preview = try StateStore(path: path)
        for takeover in takeovers {
            let (old, new) = (takeover.old, takeover.new)
            try preview.renameSource(from: old, to: new, identities: takeover.identities)
            logger.warning(
                "source was renamed in the configuration, so the sync will move its items to the new name, and "
                    + "the plan shows them there",
                ["source.old": old, "source.new": new])
        }
        return preview
    }

    /// Lists the warnings for unlisted sources with synced items that no configured source takes over. A state
    /// database that records another workspace gets none, because all of its sources look unlisted and the run
    /// fails on the workspace check instead.
    package func unlistedSourceWarnings() throws -> [String] {
        let otherWorkspace = try state.offlineWorkspaceMismatch(
            configuredWorkspace: configuration.workspace, configurationPath: configuration.path)
        guard otherWorkspace == nil else { return [] }
        return try state.unlistedSourceWarnings(configuration, except: Set(try renamedSources().map(\.old)))
    }

    /// Tells whether the records of source `old` belong to `source`.
    private func isRenamed(from old: String, to source: SourceConfiguration) throws -> Bool {
        switch source.kind {
        case .feed(let url, _, _, _):
            // The state reads a stored URL with its password redacted, even one that an earlier version stored whole.
            return try state.feedRecord(source: old)?.url == URLCredentials.redactingPassword(in: url)
        case .directory(let path, _, _):
            let sample = try state.items(source: old).filter { $0.status != "removed" }.compactMap(\.location)
                .prefix(20)
            guard !sample.isEmpty else { return false }
            let present = sample.filter { FileManager.default.fileExists(atPath: path + "/" + $0) }.count
            return present * 5 >= sample.count * 4
        }
    }
}
