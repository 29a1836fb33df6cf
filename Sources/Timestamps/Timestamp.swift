import Foundation

/// RFC 3339 date-times as the API writes and reads them, in Unix seconds.
///
/// Foundation's `ISO8601DateFormatter` builds an ICU formatter on first use and again after each change of
/// options. When the engine made one per timestamp, that cost more than a whole API request, so this enum formats
/// and parses the fixed UTC form with integer arithmetic.
package enum Timestamp {
    /// Formats a date as `2026-03-01T09:30:00.000Z`, in UTC, with milliseconds unless `fractional` is false.
    package static func format(_ date: Date, fractional: Bool = true) -> String {
        format(date.timeIntervalSince1970, fractional: fractional)
    }

    /// Parses an RFC 3339 date-time into a date; nil when the text is not one.
    package static func date(_ text: String) -> Date? {
        parse(text).map { Date(timeIntervalSince1970: $0) }
    }

    /// Returns the calendar date of Unix seconds in UTC.
    package static func civilDate(_ seconds: Double) -> (year: Int, month: Int, day: Int) {
        let wholeSeconds = Int64(seconds.rounded(.down))
        return civilFromDays(Int(wholeSeconds >= 0 ? wholeSeconds / 86400 : (wholeSeconds - 86399) / 86400))
    }

    /// Formats Unix seconds as `2026-03-01T09:30:00.000Z`, in UTC, with milliseconds unless `fractional` is false.
    package static func format(_ seconds: Double, fractional: Bool = true) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(seconds, fractional: fractional, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the UTF-8 bytes of `format(seconds, fractional:)` to `bytes`, for writers that build bytes.
    package static func append(_ seconds: Double, fractional: Bool = true, to bytes: inout [UInt8]) {
        // Whole microseconds first, so that a time read back from a millisecond text, whose Double is a hair under
        // the exact value, keeps its millisecond.
        let microseconds = Int64((seconds * 1_000_000).rounded())
        let milliseconds = microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
        let wholeSeconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = Int(milliseconds - wholeSeconds * 1000)
        let days = Int(wholeSeconds >= 0 ? wholeSeconds / 86400 : (wholeSeconds - 86399) / 86400)
        let secondOfDay = Int(wholeSeconds - Int64(days) * 86400)
        let (year, month, day) = civilFromDays(days)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            for _ in 0..<count {
                bytes.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(45)
        digits(month, 2)
        bytes.append(45)
        digits(day, 2)
        bytes.append(84)
        digits(secondOfDay / 3600, 2)
        bytes.append(58)
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(58)
        digits(secondOfDay % 60, 2)
        if fractional {
            bytes.append(46)
            digits(fraction, 3)
        }
        bytes.append(90)
    }

    /// The proleptic Gregorian date of a day number since 1970-01-01 (Howard Hinnant's civil_from_days).
    private static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719468
        let era = (shifted >= 0 ? shifted : shifted - 146096) / 146097
        let dayOfEra = shifted - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Formats Unix seconds as a calendar date in UTC, `2026-03-01`.
    package static func formatDay(_ seconds: Double) -> String {
        String(format(seconds).prefix(10))
    }

    /// Parses an RFC 3339 date-time such as `2026-03-01T09:30:00Z` or `2026-03-01t09:30:00.5+02:00`.
    ///
    /// - Returns: Unix seconds, or nil when the text is not a valid RFC 3339 date-time.
    package static func parse(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ start: Int, _ length: Int) -> Int? {
            guard start + length <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + length] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == 45, let month = number(5, 2), bytes[7] == 45,
            let day = number(8, 2), bytes[10] == 84 || bytes[10] == 116 || bytes[10] == 32,
            let hour = number(11, 2), bytes[13] == 58, let minute = number(14, 2), bytes[16] == 58,
            let second = number(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second <= 60
        else { return nil }
        var index = 19
        // The fraction in whole microseconds, digits past the sixth dropped, so that the result is the Double
        // nearest the exact time and a formatted time reads back equal.
        var microseconds = 0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 100_000
            let start = index
            while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                microseconds += Int(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == 90 || bytes[index] == 122 {
            index += 1
        } else if bytes[index] == 43 || bytes[index] == 45 {
            guard let offsetHours = number(index + 1, 2), index + 3 < bytes.count, bytes[index + 3] == 58,
                let offsetMinutes = number(index + 4, 2), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == 45 ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        return Double(seconds * 1_000_000 + microseconds) / 1_000_000
    }

    /// Returns the number of days in `month` (1 to 12) of `year`, in the proleptic Gregorian calendar.
    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }
}
