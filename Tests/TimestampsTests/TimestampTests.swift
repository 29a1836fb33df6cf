import Foundation
import Testing
import Timestamps

@Suite struct TimestampTests {
    /// Foundation's formatter is the reference the fast path replaces, so the two must agree on every date.
    @Test func formatMatchesFoundation() {
        let foundation = ISO8601DateFormatter()
        foundation.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let whole = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        // From 1900 to 2200, milliseconds only, because Foundation rounds finer fractions differently.
        for _ in 0..<5000 {
            let milliseconds = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            #expect(Timestamp.format(date) == foundation.string(from: date))
            #expect(Timestamp.format(date, fractional: false) == whole.string(from: date))
            #expect(Timestamp.date(Timestamp.format(date)) == date)
        }
    }

    @Test func parsesTheForms() {
        #expect(Timestamp.date("2026-03-01T09:30:00Z") == Date(timeIntervalSince1970: 1_772_357_400))
        #expect(Timestamp.date("2026-03-01T11:30:00.500+02:00") == Date(timeIntervalSince1970: 1_772_357_400.5))
        #expect(Timestamp.date("2026-03-01T09:30:00") == nil)
        #expect(Timestamp.date("2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp.date("2023-02-29T00:00:00Z") == nil)
    }

    @Test func civilDateInUTC() {
        #expect(Timestamp.civilDate(0) == (1970, 1, 1))
        #expect(Timestamp.civilDate(-1) == (1969, 12, 31))
        #expect(Timestamp.civilDate(1_772_357_400) == (2026, 3, 1))
    }
}
