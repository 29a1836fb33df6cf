import Timestamps

/// The time window of an analytics request: a named range such as `7d`, or explicit start and end dates.
struct AnalyticsWindow {
    /// How many days of analytics history the server keeps; a window that starts earlier begins that many days
    /// before its end.
    static let historyDays = 400

    var start: Double
    var end: Double
    var isEmpty = false

    /// The UTC day numbers the window covers.
    var days: [Int] {
        if isEmpty { return [] }
        let first = SyntheticMetrics.dayNumber(start)
        let last = SyntheticMetrics.dayNumber(end)
        return first <= last ? Array(first...last) : []
    }

    /// Reads `range`, `startDate` and `endDate`; explicit dates win over the range, and the window ends at `now`.
    ///
    /// - Parameter allDays: the length in days that the range `all` stands for.
    static func read(_ context: APIContext, allDays: Int = 365) throws -> AnalyticsWindow {
        let now = context.now
        let range = context.input.queryString("range") ?? "30d"
        let days = range == "all" ? allDays : Int(range.dropLast()) ?? 30
        var start = now - Double(days) * 86400
        var end = now
        if let text = context.input.queryString("startDate") {
            if let parsed = Timestamp.parse(text) { start = parsed }
        }
        if let text = context.input.queryString("endDate") {
            if let parsed = Timestamp.parse(text) { end = min(parsed, now) }
        }
        // Operations that document no 400 answer an inverted or oversized window with what it covers.
        let strict = context.operation.statusCodes.contains("400")
        if start > end {
            if strict { throw APIError.validation("startDate must not be after endDate") }
            return AnalyticsWindow(start: end, end: end, isEmpty: true)
        }
        // The document sets no longest window, so an older start reads the 400 days of history the server keeps,
        // counted back from now, as page metrics count them.
        let historyStart = Double(SyntheticMetrics.dayNumber(now) - Self.historyDays) * 86400
        if end < historyStart { return AnalyticsWindow(start: end, end: end, isEmpty: true) }
        start = max(start, historyStart)
        return AnalyticsWindow(start: start, end: end)
    }
}
