import Foundation
import Timestamps

/// A date as Jekyll and Hugo write it in front matter and file names, with what the text specified.
struct ContentDate: Equatable {
    var date: Date
    var hasTime: Bool
    var hasZone: Bool

    /// Parses `2013-05-06`, `2013-05-06 10:00:00 -0500`, `2013-05-06 10:00`, RFC 3339 forms such as
    /// `2013-05-06T10:00:00.5+02:00` and `...Z`, and a trailing `UTC` or `GMT`. The month, day and hour may have
    /// one digit, as in `2013-5-6 9:00`.
    ///
    /// A date without a zone is taken in `timeZone`. Returns `nil` for text in any other form or with a field out
    /// of range.
    static func parse(_ text: String, timeZone: TimeZone) -> ContentDate? {
        var scanner = DateScanner(Array(text.trimmingCharacters(in: .whitespaces).utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.shortNumber(), scanner.skip("-"),
            let day = scanner.shortNumber(),
            (1...12).contains(month), (1...Timestamp.daysIn(month: month, year: year)).contains(day)
        else { return nil }

        var seconds = 0.0
        var hasTime = false
        if scanner.skip("T") || scanner.skip("t") || (scanner.skip(" ") && !scanner.isAtEnd) {
            scanner.skipSpaces()
            guard let hour = scanner.shortNumber(), scanner.skip(":"), let minute = scanner.number(digits: 2),
                hour < 24, minute < 60
            else { return nil }
            var second = 0.0
            if scanner.skip(":") {
                guard let whole = scanner.number(digits: 2), whole <= 60 else { return nil }
                second = Double(whole) + scanner.fraction()
            }
            seconds = Double(hour * 3600 + minute * 60) + second
            hasTime = true
        }

        scanner.skipSpaces()
        // Some generators write the year again after the time ("2023-01-29 18:30:22 2023 -0800"), which Ruby's
        // Time.parse, and so Jekyll, accepts.
        if hasTime, scanner.skipWord(String(format: "%04d", year)) { scanner.skipSpaces() }
        var offset: Int?
        if scanner.isAtEnd {
            offset = nil
        } else if scanner.skip("Z") || scanner.skip("z") || scanner.skipWord("UTC") || scanner.skipWord("GMT") {
            offset = 0
        } else if let sign = scanner.sign() {
            guard let hours = scanner.number(digits: 2), hours <= 14 else { return nil }
            _ = scanner.skip(":")
            let minutes = scanner.number(digits: 2) ?? 0
            guard minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        scanner.skipSpaces()
        guard scanner.isAtEnd else { return nil }

        let localSeconds = Double(Timestamp.daysFromCivil(year: year, month: month, day: day) * 86_400) + seconds
        let utcSeconds: Double
        if let offset {
            utcSeconds = localSeconds - Double(offset)
        } else {
            utcSeconds = instant(ofLocal: localSeconds, in: timeZone)
        }
        return ContentDate(date: Date(timeIntervalSince1970: utcSeconds), hasTime: hasTime, hasZone: offset != nil)
    }

    /// Returns the instant, in seconds since 1970, of the local time `localSeconds` (seconds since 1970 as if the
    /// zone were UTC) in `timeZone`.
    ///
    /// The offsets in force half a day before and after cover both sides of a change of the clocks. A local time
    /// that occurs twice, when the clocks go back, is the first of the two. A local time that the clocks skip, as
    /// midnight in America/Santiago on the day summer time starts, moves forward by the length of the skip, so
    /// that a date without a time stays on its own day.
    static func instant(ofLocal localSeconds: Double, in timeZone: TimeZone) -> Double {
        let offsets = [localSeconds - 43_200, localSeconds + 43_200].map {
            Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: $0)))
        }
        let candidates = offsets.map { localSeconds - $0 }
        let valid = zip(candidates, offsets).filter { candidate, offset in
            Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: candidate))) == offset
        }
        if let earliest = valid.map(\.0).min() { return earliest }
        return candidates.max() ?? localSeconds
    }

}

private struct DateScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { index >= bytes.count }

    /// Reads one or two digits, as Ruby's `Time.parse`, and so Jekyll, accepts for a month, a day or an hour.
    mutating func shortNumber() -> Int? {
        guard let first = number(digits: 1) else { return nil }
        guard let second = number(digits: 1) else { return first }
        return first * 10 + second
    }

    mutating func number(digits count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += count
        return value
    }

    mutating func fraction() -> Double {
        guard index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") else {
            return 0
        }
        index += 1
        var value = 0.0
        var scale = 0.1
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            value += Double(bytes[index] - UInt8(ascii: "0")) * scale
            scale /= 10
            index += 1
        }
        return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func skipWord(_ word: String) -> Bool {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            return false
        }
        index += expected.count
        return true
    }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
