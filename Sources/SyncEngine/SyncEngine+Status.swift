import Foundation
import Logging

extension SyncEngine {
    /// Polls the statuses of followed posts when `status_interval` has passed since the last poll that a `sync`
    /// started, so back-to-back runs do not list the workspace's posts each time. Sets `report.statusChanges`,
    /// and returns what the poll found, or when it is due when it did not run. Returns nil when
    /// `status_read_budget` is 0, which turns status polling off, so that no report claims a poll or names a time
    /// for the next one.
    func pollStatus(context: WorkspaceContext, report: inout RunReport) -> StatusPollReport? {
        guard configuration.statusReadBudget > 0 else { return nil }
        let interval = configuration.statusInterval
        let now = Date()
        let lastPolled = state.lastStatusPoll()
        let started = (try? state.setting(StateStore.statusPollStartedAtSetting)).flatMap(StateStore.date)
        if let started, now.timeIntervalSince(started) < interval {
            let skipped = StatusPollReport(
                polled: false, lastPolledAt: lastPolled,
                nextPollAt: StateStore.timestamp(started.addingTimeInterval(interval)), intervalSeconds: interval)
            logger.log(
                skippedStatusPollLevel,
                "post status poll skipped, because status_interval has not passed since the last poll",
                [
                    "status.last_polled_at": lastPolled ?? "never", "status.next_poll_at": skipped.nextPollAt ?? "",
                    "status_interval_seconds": skipped.intervalText,
                ])
            return skipped
        }

        try? state.setSetting(StateStore.statusPollStartedAtSetting, StateStore.timestamp(now))
        var poll = StatusPollReport(
            polled: true, lastPolledAt: lastPolled,
            nextPollAt: StateStore.timestamp(now.addingTimeInterval(interval)), intervalSeconds: interval)
        do {
            let changes = try StatusFollower(
                client: client, state: state, logger: logger, readBudget: configuration.statusReadBudget
            ).refresh(workspaceId: context.workspace.id)
            // The count is that of the rows added to the `transitions` table, which records no deletion.
            report.statusChanges = changes.filter { !$0.isDeletion }.reduce(0) { $0 + $1.fields.count }
            poll.changes = try reported(changes, context: context)
            poll.lastPolledAt = state.lastStatusPoll()
        } catch {
            logger.warning("post status refresh failed", ["error": "\(error)"])
            poll.polled = false
            poll.error = "\(error)"
        }
        return poll
    }

    /// Returns the report's entries for `changes`, with each item's title and each page's name.
    private func reported(_ changes: [PostStatusChange], context: WorkspaceContext) throws -> [ReportedStatusChange] {
        guard !changes.isEmpty else { return [] }
        let storedNames = try state.pageNames()
        var titles: [String: String] = [:]
        return try changes.map { change in
            let post = change.previous
            let key = "\(post.source)\u{0}\(post.identity)"
            if titles[key] == nil {
                titles[key] = try state.item(source: post.source, identity: post.identity)?.title ?? ""
            }
            let pageName = context.allPages.first { $0.id == post.pageId }?.name ?? storedNames[post.pageId]
            return ReportedStatusChange(change, title: titles[key] ?? "", pageName: pageName)
        }
    }
}

extension StateStore {
    /// The setting that contains the time of the last status poll that a `sync` started, which `status_interval`
    /// counts from.
    package static let statusPollStartedAtSetting = "status_refreshed_at"

    /// Returns the RFC 3339 time of the last status poll that completed, nil before the first. A poll that
    /// started and failed does not count.
    package func lastStatusPoll() -> String? {
        (try? setting(StatusFollower.polledAtSetting)) ?? nil
    }
}
