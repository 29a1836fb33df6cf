/// The time window of an analytics request: a named range such as `7d`, or explicit start and end dates.
struct AnalyticsWindow {
    var start: Double
    var end: Double

    /// The UTC day numbers the window covers.
    var days: [Int] {
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
            guard let parsed = Timestamp.parse(text) else { throw APIError.validation("startDate \(text) is not a date-time") }
            start = parsed
        }
        if let text = context.input.queryString("endDate") {
            guard let parsed = Timestamp.parse(text) else { throw APIError.validation("endDate \(text) is not a date-time") }
            end = min(parsed, now)
        }
        guard start <= end else { throw APIError.validation("startDate must not be after endDate") }
        guard end - start <= 400 * 86400 else { throw APIError.validation("the window must not exceed 400 days") }
        return AnalyticsWindow(start: start, end: end)
    }
}
