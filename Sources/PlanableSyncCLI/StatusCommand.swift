import Foundation
import SyncEngine
import Timestamps

/// `status`: what the state database stores, without contacting the API.
enum StatusCommand {
    struct ItemStatus: Encodable {
        var source: String
        var identity: String
        var title: String
        var status: String
        var lastError: String?
        var updatedAt: String?
        var posts: [PostStatus]
    }

    struct PostStatus: Encodable {
        var postId: String
        var pageId: String
        /// The page's name as the last sync saw it, when the state has one.
        var pageName: String?
        var groupId: String?
        var status: String?
        var approval: String?
        var scheduled: Bool
        var published: Bool
        var publishedLink: String?
        var lastError: String?
    }

    /// A file, folder or feed that the last scan of its source could not read, so it has no item.
    struct ReadFailureStatus: Encodable {
        var source: String
        /// The file path relative to the source folder, the source folder, or the feed URL.
        var location: String
        /// The feed entry's key, when one entry of a feed failed.
        var entry: String?
        var message: String
        var firstSeenAt: String?
        var lastSeenAt: String?
        /// False when the configuration no longer lists the source. The next full pass (`sync`, or the daemon's
        /// start or reload) deletes such rows.
        var sourceConfigured: Bool
    }

    /// A create whose response was lost, which the next sync reads back before it creates anything.
    struct PendingCreate: Encodable {
        var source: String
        var identity: String
        var startedAt: String
    }

    struct Summary: Encodable {
        var items: [ItemStatus]
        var readFailures: [ReadFailureStatus]
        var pendingIntents: Int
        var pendingCreates: [PendingCreate]
        var lastRun: String?
        /// The time of the last poll of the posts' approval and publication status that completed, nil before
        /// the first. The statuses listed are those that poll read, or that a later create or update returned.
        var lastStatusPoll: String? = nil
        /// The failure that ended the last run, when it failed.
        var lastFailure: RunFailure?
        /// Post groups that duplicate an item's posts, which a person has to delete in Planable.
        var duplicateGroups: [DuplicateGroup] = []
    }

    struct RunFailure: Encodable {
        var at: String
        var message: String
    }

    static func run(_ arguments: [String]) throws -> ExitCode {
        let parsed = try ParsedArguments(arguments)
        if parsed.format == "html" {
            throw UsageError(message: "status prints text or json, so it takes no --format html")
        }
        let configuration = try loadConfiguration(parsed)
        try ReportWriter.prepareOutput(parsed.output)
        // A listing creates no state: a missing file means that no sync ran with this configuration, or that its
        // state setting names another file.
        guard FileManager.default.fileExists(atPath: configuration.statePath) else {
            if parsed.format == "json" {
                let empty = Summary(items: [], readFailures: [], pendingIntents: 0, pendingCreates: [], lastRun: nil)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try emit(try encoder.encode(empty) + Data("\n".utf8), to: parsed.output)
            } else {
                let line =
                    "0 items: no state database at \(configuration.statePath) yet; the first sync creates it, "
                    + "or the configuration's state setting names another file\n"
                try emit(Data(line.utf8), to: parsed.output)
            }
            return .success
        }
        let state = try StateStore(path: configuration.statePath)
        let posts = Dictionary(grouping: try state.allPosts(), by: { "\($0.source)\u{0}\($0.identity)" })
        let pageNames = try state.pageNames()
        let items = try state.items().map { item in
            ItemStatus(
                source: item.source, identity: item.identity, title: item.title, status: item.status,
                lastError: item.lastError, updatedAt: item.updatedAt,
                posts: (posts["\(item.source)\u{0}\(item.identity)"] ?? []).map { post in
                    PostStatus(
                        postId: post.postId, pageId: post.pageId, pageName: pageNames[post.pageId],
                        groupId: post.groupId, status: post.status,
                        approval: post.approvalStatus, scheduled: post.scheduledSet, published: post.published,
                        publishedLink: post.publishedLink, lastError: post.lastError)
                })
        }
        let configured = Set(configuration.sources.map(\.name))
        let readFailures = try state.readFailures().map { failure in
            ReadFailureStatus(
                source: failure.source, location: failure.location, entry: failure.entry.isEmpty ? nil : failure.entry,
                message: failure.message, firstSeenAt: failure.firstSeenAt, lastSeenAt: failure.lastSeenAt,
                sourceConfigured: configured.contains(failure.source))
        }
        let pendingCreates = try state.pendingIntents().map { intent in
            PendingCreate(
                source: intent.source, identity: intent.identity, startedAt: Timestamp.format(intent.startedAt))
        }
        let summary = Summary(
            items: items, readFailures: readFailures, pendingIntents: pendingCreates.count,
            pendingCreates: pendingCreates, lastRun: try state.setting("last_run"),
            lastStatusPoll: state.lastStatusPoll(),
            lastFailure: try state.lastRunFailure().map { RunFailure(at: $0.at, message: $0.message) },
            duplicateGroups: try state.duplicateGroups())

        if parsed.format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try emit(try encoder.encode(summary) + Data("\n".utf8), to: parsed.output)
            return .success
        }
        var lines: [String] = []
        for item in items {
            let title = item.title.isEmpty ? "" : " \"\(item.title)\""
            lines.append(
                "\(item.status.padding(toLength: 9, withPad: " ", startingAt: 0)) \(item.source)/\(item.identity)\(title)"
            )
            if let error = item.lastError { lines.append("          \(error)") }
            for post in item.posts {
                let page = post.pageName.map { "page \"\($0)\" (\(post.pageId))" } ?? "page \(post.pageId)"
                var parts = ["post \(post.postId)", page]
                if let status = post.status { parts.append(status) }
                if let approval = post.approval { parts.append("approval \(approval)") }
                // The status word is `scheduled` already when Planable reports the post so.
                if post.scheduled && post.status != "scheduled" { parts.append("scheduled") }
                if let link = post.publishedLink { parts.append(link) }
                if let error = post.lastError { parts.append(error) }
                lines.append("          " + parts.joined(separator: ", "))
            }
        }
        lines += readFailureLines(readFailures)
        if !pendingCreates.isEmpty {
            lines.append("Creates awaiting read-back (the next sync looks for their posts before it creates anything):")
            for create in pendingCreates {
                lines.append("  \(create.source)/\(create.identity), started \(create.startedAt)")
            }
        }
        if !summary.duplicateGroups.isEmpty {
            lines.append("Duplicate post groups (delete each in Planable; the next full sync then forgets it):")
            for group in summary.duplicateGroups {
                lines.append(
                    "  group \(group.groupId) of \(group.source)/\(group.identity), posts "
                        + "\(group.postIds.joined(separator: ", ")), found \(group.foundAt)")
            }
        }
        if let failure = summary.lastFailure {
            lines.append("The last run failed at \(failure.at): \(failure.message)")
        }
        let publishedCount = items.filter { $0.posts.contains(where: \.published) }.count
        let postCount = items.reduce(0) { $0 + $1.posts.count }
        let failedPostCount = items.reduce(0) { $0 + $1.posts.filter { $0.status == "failed" }.count }
        // Failed and blocked items need a person. A failed one waits for its input or the API to be fixed, and a
        // blocked one for a decision about posts changed in Planable.
        let failedItemCount = items.filter { $0.status == "failed" }.count
        let blockedItemCount = items.filter { $0.status == "blocked" }.count
        lines.append(
            "\(counted(items.count, "item")), \(counted(postCount, "post")), \(counted(publishedCount, "item")) published"
                + (failedItemCount == 0 ? "" : ", \(counted(failedItemCount, "item")) failed")
                + (blockedItemCount == 0 ? "" : ", \(counted(blockedItemCount, "item")) blocked")
                + (failedPostCount == 0 ? "" : ", \(counted(failedPostCount, "post")) failed to publish")
                + (readFailures.isEmpty ? "" : ", \(counted(readFailures.count, "read failure"))")
                + (summary.pendingIntents > 0
                    ? ", \(counted(summary.pendingIntents, "create")) awaiting read-back" : "")
                + (summary.lastRun.map { "; last completed run \($0)" } ?? "")
                + (postCount == 0 ? "" : "; post statuses last read \(summary.lastStatusPoll ?? "never")"))
        try emit(Data((lines.joined(separator: "\n") + "\n").utf8), to: parsed.output)
        return .success
    }

    /// Formats the read failures as a section of the text listing, empty when there are none.
    private static func readFailureLines(_ failures: [ReadFailureStatus]) -> [String] {
        guard !failures.isEmpty else { return [] }
        var lines = [
            "Read failures (these files and feeds could not be read; a file that failed has no item, and a feed "
                + "keeps the items of its earlier reads):"
        ]
        for failure in failures {
            let (position, message) = splitLocation(failure)
            var heading = "  \(failure.source): \(failure.location)\(position)"
            if let entry = failure.entry { heading += ", entry \(entry)" }
            if !failure.sourceConfigured {
                heading += " (source no longer in the configuration; the next sync forgets it)"
            }
            lines.append(heading)
            lines.append("          \(message)")
            let firstSeen = failure.firstSeenAt ?? "unknown"
            let lastSeen = failure.lastSeenAt ?? "unknown"
            lines.append("          first seen \(firstSeen), last seen \(lastSeen)")
        }
        return lines
    }

    /// Splits a read failure's message that starts with its source and location, as a file's read error does,
    /// into the line and column after the location, such as ":3:7", and the rest of the message. Returns an empty
    /// position and the whole message when the message starts otherwise.
    static func splitLocation(_ failure: ReadFailureStatus) -> (position: String, message: String) {
        let prefix = "\(failure.source): \(failure.location)"
        guard failure.message.hasPrefix(prefix) else { return ("", failure.message) }
        var rest = failure.message.dropFirst(prefix.count)
        var position = ""
        while rest.hasPrefix(":") {
            let digits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { break }
            position += ":" + digits
            rest = rest.dropFirst(1 + digits.count)
        }
        guard rest.hasPrefix(": ") else { return ("", failure.message) }
        return (position, String(rest.dropFirst(2)))
    }

    /// Writes the listing to `output`, or to standard output when it is nil.
    private static func emit(_ data: Data, to output: String?) throws {
        if let output {
            try data.write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
