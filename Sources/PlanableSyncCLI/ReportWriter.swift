import Foundation
import SyncEngine

/// Writes a run report as text for people or JSON for scripts.
enum ReportWriter {
    /// Checks that the `--output` path can be written, so that a path that cannot stops the command before it
    /// sends anything, instead of after a sync whose report would be lost. An existing file is left as it is, so a
    /// run that fails keeps the last report.
    static func prepareOutput(_ output: String?) throws {
        guard let output else { return }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory)
        let folder = parentFolder(of: output)
        let writable =
            exists
            ? !isDirectory.boolValue && access(output, W_OK) == 0
            : access(folder.isEmpty ? "." : folder, W_OK | X_OK) == 0
        if exists && isDirectory.boolValue {
            throw UsageError(
                message: "cannot write --output \(output): it is a folder; give a file name, such as "
                    + "\(output)/report.txt")
        }
        guard writable else {
            throw UsageError(
                message: "cannot write --output \(output): check that the folder \(folder.isEmpty ? "." : folder) "
                    + "exists and that this user may write there")
        }
    }

    /// Tells whether `path` can be replaced by a renamed temporary file: a regular file, or none yet, in a folder
    /// that this user may write. A device such as `/dev/stdout`, a symbolic link or a file in a folder of another
    /// user is written in place instead.
    static func canReplaceAtomically(_ path: String) -> Bool {
        var status = stat()
        if lstat(path, &status) == 0 && status.st_mode & S_IFMT != S_IFREG { return false }
        let folder = parentFolder(of: path)
        return access(folder.isEmpty ? "." : folder, W_OK | X_OK) == 0
    }

    static func write(
        _ report: RunReport, format: String, to output: String?, title: String = "planable-sync plan"
    ) throws {
        let text: String
        switch format {
        case "json":
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        case "html":
            text = PlanHTML.render(report, title: title)
        default:
            text = renderText(report)
        }
        if let output {
            // A temporary file that then replaces the output keeps a reader from seeing half a report.
            let options: Data.WritingOptions = canReplaceAtomically(output) ? .atomic : []
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: options)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    static func renderText(_ report: RunReport) -> String {
        var lines: [String] = []
        let verb = report.command == "plan" ? "would " : ""
        // An unchanged item is listed when it carries a message, such as a feed entry whose key changed.
        for item in report.items where item.decision != .unchanged || report.command == "plan" || item.message != nil {
            if item.decision == .unchanged && report.command == "plan" && item.posts.isEmpty && item.message == nil {
                continue
            }
            let title = item.title.isEmpty ? "" : " \"\(item.title)\""
            lines.append(
                "\(item.decision.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(item.source)/\(item.identity)\(title)"
            )
            if let message = item.message { lines.append("          \(message)") }
            // A sync lists no post text, but a warning, such as a schedule in the past, needs its reader.
            if report.command != "plan" && (item.decision == .create || item.decision == .update) {
                for warning in Set(item.posts.flatMap(\.warnings)).sorted() { lines.append("          ! \(warning)") }
            }
            if report.command == "plan" && (item.decision == .create || item.decision == .update) {
                for post in item.posts {
                    // A post whose decision differs from its item's, such as an unchanged post beside a new one, is
                    // marked, so that it is not taken for a copy.
                    let state = post.decision.flatMap { $0 == item.decision ? nil : ", \($0.rawValue)" } ?? ""
                    lines.append(
                        "          → \(post.pages.joined(separator: ", ")) (\(post.characters) characters)\(state)")
                    for textLine in post.text.split(separator: "\n", omittingEmptySubsequences: false) {
                        lines.append("            │ \(textLine)")
                    }
                    lines += postDetails(post, timeZone: report.timeZone).map { "            " + $0 }
                    for warning in post.warnings { lines.append("            ! \(warning)") }
                }
            }
        }
        lines += statusPollLines(report.statusPoll)
        for error in report.errors { lines.append("error     \(error)") }
        for warning in report.warnings { lines.append("warning   \(warning)") }
        for duplicate in report.duplicateGroups { lines.append("duplicate \(duplicate)") }
        let summary =
            "\(report.command): \(verb)create \(report.created), \(verb)update \(report.updated), "
            + "\(verb)delete \(report.deleted), unchanged \(report.unchanged), skipped \(report.skipped), blocked \(report.blocked), "
            + "failed \(report.failed)"
            + (report.baselined > 0 ? ", baselined \(report.baselined)" : "")
            + (report.removed > 0 ? ", removed \(report.removed)" : "")
            + (report.notReached > 0 ? ", not reached \(report.notReached)" : "")
            + "; requests: \(report.requests.read) read, \(report.requests.write) write"
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Returns the lines of a run's status poll: one for each post whose status changed, or one that states why the
    /// run read no status and when it last did. A poll that found no change adds no line.
    static func statusPollLines(_ poll: StatusPollReport?) -> [String] {
        guard let poll else { return [] }
        if let error = poll.error { return ["status    status poll failed: \(error)"] }
        guard poll.polled else {
            let last = poll.lastPolledAt.map { "last read at \($0)" } ?? "never read"
            // The daemon's polls count as reads, but the interval counts from the last poll that a sync started.
            let next =
                poll.nextPollAt.map {
                    "; a sync reads them again from \($0), \(poll.intervalText) s after the last sync that read them"
                } ?? ""
            return [
                "status    post statuses not read in this run (status_interval "
                    + "\(poll.intervalText) s): \(last)\(next)"
            ]
        }
        return poll.changes.map { change in
            let title = change.title.isEmpty ? "" : " \"\(change.title)\""
            let page = change.page.map { "\"\($0)\"" } ?? change.pageId
            var parts: [String] = []
            if let approval = change.approval {
                parts.append("approval \(approval.from ?? "none") → \(approval.to ?? "none")")
            }
            if let status = change.status { parts.append("state \(status.from ?? "none") → \(status.to ?? "none")") }
            if let scheduled = change.scheduled { parts.append(scheduled ? "now scheduled" : "no longer scheduled") }
            if let link = change.publishedLink { parts.append("published at \(link)") }
            return "status    \(change.source)/\(change.identity)\(title), page \(page), post \(change.postId): "
                + parts.joined(separator: ", ")
        }
    }

    /// Returns the lines that show every field of a planned post's request beside its text: media, then the
    /// settings on one line, then one line for each text field. A text field of several lines continues on lines
    /// that start with "│".
    static func postDetails(_ post: ReportedPost, timeZone: String?) -> [String] {
        var lines: [String] = []
        if !post.media.isEmpty { lines.append("media: \(post.media.joined(separator: ", "))") }
        var settings: [String] = []
        if let scheduledAt = post.scheduledAt {
            let publishes = post.publishAtScheduledDate == true ? ", published then once approved" : ""
            settings.append("scheduled \(ScheduleText.describe(scheduledAt, timeZone: timeZone))\(publishes)")
        }
        if !post.labels.isEmpty { settings.append("labels \(post.labels.joined(separator: ", "))") }
        if let campaign = post.campaign { settings.append("campaign \(campaign)") }
        for field in clearedFieldNames(post) { settings.append("\(field) cleared: the source no longer sets one") }
        if post.teamOnly == true { settings.append("team only") }
        if post.notify == true { settings.append("notifies workspace members") }
        if !settings.isEmpty { lines.append(settings.joined(separator: "; ")) }
        let unsent = Set(post.unchangedByUpdate ?? [])
        for field in textFields(post) {
            var label = field.label
            if unsent.contains(field.key) { label += " (not sent: an update cannot change it)" }
            let valueLines = field.value.split(separator: "\n", omittingEmptySubsequences: false)
            if valueLines.count == 1 {
                lines.append("\(label): \(field.value)")
            } else {
                lines.append("\(label):")
                lines += valueLines.map { "  │ \($0)" }
            }
        }
        return lines
    }

    /// Returns the names for people of the fields that an update of `post` clears, in the order of its
    /// `clearedByUpdate`.
    static func clearedFieldNames(_ post: ReportedPost) -> [String] {
        (post.clearedByUpdate ?? []).map { key in key == "scheduledAt" ? "schedule" : key }
    }

    /// A text field of a post's request that the post sets, with its JSON key and its name for people.
    struct TextField: Equatable {
        var key: String
        var label: String
        var value: String
    }

    /// Returns the text fields that `post` sets, beside its text, in the order that docs/mapping.md lists them.
    static func textFields(_ post: ReportedPost) -> [TextField] {
        let candidates: [(String, String, String?)] = [
            ("firstComment", "first comment", post.firstComment),
            ("internalNote", "internal note", post.internalNote),
            ("youtubeTitle", "YouTube title", post.youtubeTitle),
            ("linkedinPdfTitle", "LinkedIn PDF carousel title", post.linkedinPdfTitle),
            ("linkedinVideoTitle", "LinkedIn video title", post.linkedinVideoTitle),
            ("pinterest.boardId", "Pinterest board", post.pinterest?.boardId),
            ("pinterest.title", "Pinterest title", post.pinterest?.title),
            ("pinterest.link", "Pinterest link", post.pinterest?.link),
            ("pinterest.description", "Pinterest description", post.pinterest?.description),
        ]
        return candidates.compactMap { key, label, value in
            value.map { TextField(key: key, label: label, value: $0) }
        }
    }
}
