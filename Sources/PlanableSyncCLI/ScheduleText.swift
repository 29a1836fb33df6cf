import Foundation
import Timestamps

/// Shows a post's schedule in the workspace's time zone, in which the configuration's schedules are set, with the
/// UTC time that the API sends beside it.
enum ScheduleText {
    /// Returns `utc`, an RFC 3339 time, as `2031-02-03 08:15 America/New_York (2031-02-03T13:15:00.000Z)`, or
    /// `utc` unchanged when it cannot be read or `timeZone` is nil or unknown.
    static func describe(_ utc: String, timeZone: String?) -> String {
        guard let timeZone, let zone = TimeZone(identifier: timeZone), let date = Timestamp.date(utc) else {
            return utc
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return "\(formatter.string(from: date)) \(timeZone) (\(utc))"
    }
}
