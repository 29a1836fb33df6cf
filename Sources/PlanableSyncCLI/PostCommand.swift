import Foundation
import SyncEngine

/// `post`: marks feed entries recorded without a post, so that the next sync creates their posts. It does not
/// contact the API.
///
/// It is the way out for an entry held back as a possible known entry under a new id or link, and for one that a
/// new feed's first read recorded without a post, past its backfill.
enum PostCommand {
    static func run(_ arguments: [String]) throws -> ExitCode {
        let parsed = try ParsedArguments(arguments, valueOptions: [])
        if parsed.format != "text" {
            throw UsageError(message: "post prints text only, so it takes no --format \(parsed.format)")
        }
        if parsed.output != nil {
            throw UsageError(message: "post prints to standard output only, so it takes no --output")
        }
        guard !parsed.positional.isEmpty else {
            throw UsageError(
                message: "post needs the feed entries to post, as SOURCE/ITEM_ID, the ids that "
                    + "`planable-sync status` lists with the status baselined")
        }

        let configuration = try loadConfiguration(parsed)
        let statePath = try ForgetCommand.existingStatePath(configuration, purpose: "has no entry to post")
        // No state lock, so that the daemon can keep running: it reads the mark at its next poll of the feed, and a
        // pass that read the entry before keeps the mark when it records the entry again (`saveItem`).
        if !parsed.dryRun { try StateStore.checkWritable(path: statePath) }
        let state = try StateStore(path: statePath)
        try ForgetCommand.checkWorkspace(configuration, state: state)
        let targets = try ForgetCommand.resolveTargets(parsed.positional, source: nil, state: state, command: "post")
        var entries: [(source: String, identity: String)] = []
        var rejected: [String] = []
        let folderSources = Set(
            configuration.sources.compactMap { source -> String? in
                if case .directory = source.kind { return source.name }
                return nil
            })
        for case .item(let source, let identity) in targets {
            let status = try state.item(source: source, identity: identity)?.status ?? ""
            if folderSources.contains(source) {
                rejected.append("\(source)/\(identity) is a file of folder source \(source), not a feed entry")
            } else if status == "baselined" || status == "requested" {
                entries.append((source, identity))
            } else {
                rejected.append("\(source)/\(identity) has the status \(status)")
            }
        }
        guard rejected.isEmpty else {
            throw ForgetCommand.Failure(
                code: .usage,
                message: "post creates the posts of feed entries recorded without one, with the status baselined, "
                    + "but " + rejected.joined(separator: ", ") + ". A synced or failed item is created by sync "
                    + "itself, and `planable-sync forget` makes one that has posts new again. Nothing was marked")
        }

        let changed = parsed.dryRun ? 0 : try state.requestPosts(entries)
        var lines = entries.map { "\($0.source)/\($0.identity)" }
        func entryCount(_ count: Int) -> String { count == 1 ? "1 entry" : "\(count) entries" }
        var marked = "\(entryCount(changed)) marked"
        if parsed.dryRun {
            marked = "\(entryCount(entries.count)) would be marked"
        } else if changed < entries.count {
            marked += " and \(entries.count - changed) already marked"
        }
        lines.append(
            "\(marked) for posting in state database \(statePath)"
                + ". The next sync, or the daemon's next poll of the feed, fetches each entry's feed whole and "
                + "creates the entry's post while the feed still lists it. An entry that the feed no longer lists "
                + "stays recorded without a post, with a warning.")
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        return .success
    }
}
