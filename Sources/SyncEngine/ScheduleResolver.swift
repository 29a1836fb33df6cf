import Foundation
import Timestamps
import YAML

/// Computes `scheduledAt` from an item's date, a rule and the workspace's time zone.
///
/// A date with a time and zone is used as it is. A date without a time is taken in the workspace's time zone at
/// the rule's time of day, because an agency plans "the 12th at 9:00" where its client is.
enum ScheduleResolver {
    /// Parses `HH:MM` (24-hour) into hours and minutes.
    static func parseTimeOfDay(_ text: String) -> (hour: Int, minute: Int)? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
            (0..<60).contains(minute)
        else { return nil }
        return (hour, minute)
    }

    /// The `scheduledAt` value, or nil with a reason when the post stays unscheduled.
    static func scheduledAt(
        date: Date?, dateHasTime: Bool, rule: ScheduleRule, timeZone: TimeZone, now: Date
    ) -> (value: String?, note: String?) {
        guard var date else {
            return (
                nil,
                "the item has no date, so the post is not scheduled; to schedule it, give the file a date or a "
                    + "planable.schedule in its front matter"
            )
        }
        if !dateHasTime, let (hour, minute) = parseTimeOfDay(rule.timeOfDay) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            var parts = calendar.dateComponents([.year, .month, .day], from: date)
            parts.hour = hour
            parts.minute = minute
            date = calendar.date(from: parts) ?? date
        }
        if date <= now && !rule.keepPast {
            return (
                nil,
                "the item's date \(format(date)) is in the past, so the post is not scheduled; to keep past dates, "
                    + "set keep_past: true in the rule's schedule"
            )
        }
        return (format(date), nil)
    }

    /// Parses a per-item `schedule` override: an RFC 3339 date-time, or `YYYY-MM-DD HH:MM` in the workspace's zone.
    static func parseOverride(_ text: String, timeZone: TimeZone) -> Date? {
        if let date = Timestamp.date(text) { return date }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = timeZone
        for pattern in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"] {
            local.dateFormat = pattern
            if let date = local.date(from: text) { return date }
        }
        return nil
    }

    /// An RFC 3339 UTC timestamp with milliseconds, as the API writes them.
    static func format(_ date: Date) -> String {
        Timestamp.format(date)
    }
}
