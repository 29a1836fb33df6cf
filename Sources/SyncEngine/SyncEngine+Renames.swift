import Foundation

extension SyncEngine {
    /// Hands the records of an unlisted source to a configured source that is a renamed copy of it.
    ///
    /// Items are keyed by their source's name, so a source renamed in the configuration would find none of its
    /// items and create every post again. A configured source that has no item yet takes over the records of an
    /// unlisted source when they are the same source. For a feed that means the same URL. For a folder it means
    /// that at least 80 % of a sample of the old source's files exist at the same paths.
    func adoptRenamedSources() throws {
        let counts = try state.syncedItemCounts()
        for (old, new) in try renamedSources() {
            try state.renameSource(from: old, to: new)
            logger.warning(
                "source was renamed in the configuration, so its items were moved to the new name instead of being "
                    + "created again",
                ["source.old": old, "source.new": new, "items": String(counts[old] ?? 0)])
        }
    }

    /// Lists the unlisted sources that a configured source without items is a renamed copy of, as (old, new).
    package func renamedSources() throws -> [(old: String, new: String)] {
        let listed = Set(configuration.sources.map(\.name))
        var unlisted = try state.syncedItemCounts().keys.filter { !listed.contains($0) }.sorted()
        var pairs: [(old: String, new: String)] = []
        for source in configuration.sources where !unlisted.isEmpty {
            guard try state.items(source: source.name).isEmpty,
                let old = try unlisted.first(where: { try isRenamed(from: $0, to: source) })
            else { continue }
            unlisted.removeAll { $0 == old }
            pairs.append((old, source.name))
        }
        return pairs
    }

    /// Copies the state for `plan` into a temporary file and makes the renames a sync would make there. Returns
    /// nil when there is none; the caller deletes the copy.
    func previewRenames() throws -> StateStore? {
        let pairs = try renamedSources()
        guard !pairs.isEmpty else { return nil }
        let path = NSTemporaryDirectory() + "planable-sync-plan-\(UUID().uuidString).sqlite"
        try state.copy(to: path)
        let preview = try StateStore(path: path)
        for (old, new) in pairs {
            try preview.renameSource(from: old, to: new)
            logger.warning(
                "source was renamed in the configuration; the sync will move its items to the new name, and the "
                    + "plan shows them so",
                ["source.old": old, "source.new": new])
        }
        return preview
    }

    /// Lists the warnings for unlisted sources with synced items that no configured source takes over.
    package func unlistedSourceWarnings() throws -> [String] {
        try state.unlistedSourceWarnings(configuration, except: Set(try renamedSources().map(\.old)))
    }

    /// Tells whether the records of source `old` belong to `source`.
    private func isRenamed(from old: String, to source: SourceConfiguration) throws -> Bool {
        switch source.kind {
        case .feed(let url, _, _, _):
            return try state.feedRecord(source: old)?.url == url
        case .directory(let path, _, _):
            let sample = try state.items(source: old).filter { $0.status != "removed" }.compactMap(\.location)
                .prefix(20)
            guard !sample.isEmpty else { return false }
            let present = sample.filter { FileManager.default.fileExists(atPath: path + "/" + $0) }.count
            return present * 5 >= sample.count * 4
        }
    }
}
