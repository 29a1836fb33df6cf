import Timestamps

/// Page analytics: daily snapshots and metrics syncs.
enum PageMetricsHandlers {
    static func metrics(_ context: APIContext) throws -> APIResponse {
        let (page, _) = try context.page(context.input.path("id"))
        guard let key = SyntheticMetrics.pageMetricsKey(platform: page.platform) else {
            throw APIError.validation("page \(page.id) is a \(page.platform) page, which has no page analytics")
        }
        guard let start = context.input.queryString("startDate").flatMap(Timestamp.parse),
            let end = context.input.queryString("endDate").flatMap(Timestamp.parse)
        else { throw APIError.validation("startDate and endDate must be RFC 3339 date-times") }
        guard start <= end else { throw APIError.validation("startDate must not be after endDate") }
        // Snapshots go back as far as the server keeps analytics history.
        let today = SyntheticMetrics.dayNumber(context.now)
        let firstDay = max(SyntheticMetrics.dayNumber(start), today - AnalyticsWindow.historyDays)
        let lastDay = min(SyntheticMetrics.dayNumber(end), today)
        let days = firstDay <= lastDay ? Array(firstDay...lastDay) : []
        let (offset, limit) = context.pagination(defaultLimit: 30, maximumLimit: 90)
        let schema = PageMetricsHandlers.snapshotSchemas[key] ?? .object([])
        let published = try publishedPostsByDay(pageID: page.id, days: days, context: context)
        let items = days.dropFirst(offset).prefix(limit).map { day -> JSONValue in
            let partial = day == today
            let fetchedAt = partial ? context.now : Double(day + 1) * 86400 - 1
            return [
                "pageId": .string(page.id), "pageType": .string(page.platform),
                "fetchedAt": .string(Timestamp.format(fetchedAt)), "partial": .bool(partial),
                key: SyntheticMetrics.pageDay(
                    pageID: page.id, day: day, schema: schema, publishedPosts: published[day] ?? 0),
            ]
        }
        return .ok([
            "data": .array(Array(items)),
            "pagination": context.paginationBody(offset: offset, limit: limit, total: days.count),
        ])
    }

    /// Counts the page's posts published on each of `days`, by UTC day of `publishedAt`, up to the server's now.
    private static func publishedPostsByDay(
        pageID: String, days: [Int], context: APIContext
    ) throws -> [Int: Int] {
        guard let first = days.first, let last = days.last else { return [:] }
        let rows = try context.store.database.query(
            """
            SELECT published_at FROM posts WHERE page_id = ? AND state = 'published' AND published_at >= ?
            AND published_at < ? AND published_at <= ?
            """, [pageID, Double(first) * 86400, Double(last + 1) * 86400, context.now])
        var counts: [Int: Int] = [:]
        for row in rows {
            if let time = row.double("published_at") { counts[SyntheticMetrics.dayNumber(time), default: 0] += 1 }
        }
        return counts
    }

    static func sync(_ context: APIContext) throws -> APIResponse {
        let (page, _) = try context.page(context.input.path("id"))
        guard SyntheticMetrics.pageMetricsKey(platform: page.platform) != nil else {
            throw APIError.validation(
                "page \(page.id) is a \(page.platform) page, which does not support analytics sync")
        }
        if let started = page.syncStartedAt, context.now < started + SyntheticMetrics.syncSeconds {
            return .ok([
                "data": [
                    "pageId": .string(page.id), "started": false,
                    "message": .string("a metrics sync is already in progress; poll GET /pages/\(page.id)/sync-status"),
                ]
            ])
        }
        try context.store.database.run(
            "UPDATE pages SET sync_started_at = ?, last_synced_at = ? WHERE id = ?",
            [context.now, context.now + SyntheticMetrics.syncSeconds, page.id])
        return .ok(["data": ["pageId": .string(page.id), "started": true, "message": "page metrics sync queued"]])
    }

    static func syncStatus(_ context: APIContext) throws -> APIResponse {
        let (page, _) = try context.page(context.input.path("id"))
        let inProgress = page.syncStartedAt.map { context.now < $0 + SyntheticMetrics.syncSeconds } ?? false
        // The daily snapshot of the last whole day counts as a sync, as a post's automatic snapshots do. A page
        // added since then got its history when it was added, which counts as its first sync.
        let lastWholeDay = Double(SyntheticMetrics.dayNumber(context.now)) * 86400 - 1
        let dailySnapshot =
            SyntheticMetrics.pageMetricsKey(platform: page.platform) == nil
            ? nil : min(max(lastWholeDay, page.createdAt), context.now)
        let requested = page.lastSyncedAt.flatMap { $0 <= context.now ? $0 : nil }
        let last = [requested, dailySnapshot].compactMap { $0 }.max()
        return .ok([
            "data": [
                "pageId": .string(page.id), "syncInProgress": .bool(inProgress),
                "lastSyncedAt": last.map { .string(Timestamp.format($0)) } ?? .null,
            ]
        ])
    }
}

extension PageMetricsHandlers {
    /// The documented schema of each platform's object in a page metrics snapshot, by key such as `facebook`.
    static let snapshotSchemas: [String: JSONValue] = {
        let document = OpenAPIDocument.embedded
        guard let operation = document.operation(key: "GET /pages/{id}/metrics"),
            let item = document.responseSchema(operation, status: "200")?["properties"]?["data"]?["items"]
        else { return [:] }
        var schemas: [String: JSONValue] = [:]
        for (key, schema) in item["properties"]?.objectValue ?? [] { schemas[key] = schema }
        return schemas
    }()
}

extension OpenAPIDocument {
    /// The JSON schema of `operation`'s answer with `status`, references resolved.
    package func responseSchema(_ operation: OpenAPIOperation, status: String) -> JSONValue? {
        let schema = root["paths"]?[operation.template]?[operation.method.lowercased()]?["responses"]?[status]?[
            "content"]?[
                "application/json"]?["schema"]
        return schema.map { OpenAPIDocument.resolve($0, root) }
    }
}
