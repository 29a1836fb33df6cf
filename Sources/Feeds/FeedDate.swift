import Foundation

/// Date parsing for the forms feeds use: RFC 822 and its variants, W3CDTF and ISO 8601, and asctime.
///
/// A string that fits none of them, or names an impossible date, parses to nil: callers treat the date as missing.
package enum FeedDate {
    /// Parses `text`, returning nil when it is not a date in any known form.
    package static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingWhitespaceAndNewlines
        guard !trimmed.isEmpty else { return nil }
        if let date = parseISO8601(trimmed) { return date }
        if let date = parseRFC822(trimmed) { return date }
        // NOTE: the Greek, Hungarian and Korean date forms feedparser also reads are not supported.
        return parseTwoDigitYearISO8601(trimmed)
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Builds a date from fields, rejecting values out of range; `offset` is the zone's offset from UTC in seconds.
    static func makeDate(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Double = 0, offset: Int = 0
    ) -> Date? {
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), second >= 0,
            second < 61, year >= 1, year <= 9999
        else { return nil }
        var components = DateComponents(year: year, month: month, day: 1)
        guard let first = utc.date(from: components), let days = utc.range(of: .day, in: .month, for: first),
            days.contains(day)
        else { return nil }
        components.day = day
        components.hour = hour
        components.minute = minute
        guard let start = utc.date(from: components) else { return nil }
        return start.addingTimeInterval(min(second, 59.999999) - Double(offset))
    }

    // MARK: - W3CDTF and ISO 8601

    private static func parseISO8601(_ text: String) -> Date? {
        let scanner = DigitScanner(text)
        guard let year = scanner.digits(exactly: 4) else { return nil }
        if scanner.atEnd { return makeDate(year: year, month: 1, day: 1) }
        let dashed = scanner.skip("-")
        let digits = scanner.digitString()
        var date: Date?
        switch (dashed, digits.count) {
        case (true, 3) where digits.hasPrefix("0") && scanner.skip("-"):
            // Google once wrote months with three digits ("2003-012-31").
            guard let day = scanner.digits(exactly: 2) else { return nil }
            date = makeDate(year: year, month: Int(digits)!, day: day)
        case (_, 3):
            // An ordinal date: the day of the year.
            let ordinal = Int(digits)!
            guard (1...366).contains(ordinal), let start = makeDate(year: year, month: 1, day: 1) else { return nil }
            date = start.addingTimeInterval(Double(ordinal - 1) * 86_400)
        case (true, 2):
            var day = 1
            if scanner.skip("-") {
                guard let parsedDay = scanner.digits(exactly: 2) else { return nil }
                day = parsedDay
            }
            date = makeDate(year: year, month: Int(digits)!, day: day)
        case (false, 4):
            let value = Int(digits)!
            date = makeDate(year: year, month: value / 100, day: value % 100)
        default:
            return nil
        }
        guard let date else { return nil }
        return applyTime(scanner, to: date)
    }

    private static func applyTime(_ scanner: DigitScanner, to date: Date) -> Date? {
        if scanner.atEnd { return date }
        guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") else { return nil }
        guard let hour = scanner.digits(exactly: 2) else { return nil }
        let colon = scanner.skip(":")
        guard let minute = scanner.digits(exactly: 2) else { return nil }
        var second = 0.0
        if (colon && scanner.skip(":")) || (!colon && scanner.peekDigit) {
            guard let whole = scanner.digits(exactly: 2) else { return nil }
            guard whole <= 59 else { return nil }
            second = Double(whole)
            if scanner.skip(".") || scanner.skip(",") {
                let fraction = scanner.digitString()
                second += Double("0." + fraction) ?? 0
            }
        }
        scanner.skipSpaces()
        var offset = 0
        if scanner.atEnd || scanner.skip("Z") || scanner.skip("z") {
            offset = 0
        } else if let sign = scanner.sign() {
            guard let hours = scanner.digits(exactly: 2) else { return nil }
            _ = scanner.skip(":")
            let minutes = scanner.digits(exactly: 2) ?? 0
            guard hours <= 23, minutes <= 59 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else if let zone = namedZoneOffset(scanner.rest) {
            offset = zone
            scanner.skipAll()
        } else {
            return nil
        }
        guard scanner.atEnd, hour <= 23, minute <= 59 else { return nil }
        return date.addingTimeInterval(Double(hour * 3600 + minute * 60) + second - Double(offset))
    }

    /// Parses the two-digit-year forms of ISO 8601: `YY-MM-DD`, `YYMMDD`, `-YY-MM` and `-YYMM`. The ordinal form
    /// `YYDDD` is not read, because a five-digit number in a date field is more likely garbage than a date.
    /// Years below 69 are read as 20YY, the others as 19YY, as Python's `time.strptime` reads `%y`.
    private static func parseTwoDigitYearISO8601(_ text: String) -> Date? {
        let digitsOnly = text.filter { $0 != "-" }
        guard digitsOnly.allSatisfy({ $0.isASCII && $0.isNumber }), digitsOnly.count >= 4, digitsOnly.count <= 6
        else { return nil }
        let numbers = Array(digitsOnly).map { Int(String($0))! }
        func value(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + numbers[$1] } }
        let year2 = value(0..<2)
        let year = year2 < 69 ? 2000 + year2 : 1900 + year2
        let pattern = text.map { $0 == "-" ? "-" : "d" }.joined()
        switch pattern {
        case "dd-dd-dd", "dddddd":
            return makeDate(year: year, month: value(2..<4), day: value(4..<6))
        case "-dd-dd", "-dddd":
            return makeDate(year: year, month: value(2..<4), day: 1)
        default:
            return nil
        }
    }

    // MARK: - RFC 822 and relatives

    private static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
        "nov": 11, "dec": 12,
    ]

    /// Offsets of the zone names RFC 822 defines, plus the ones feeds use anyway, in seconds east of UTC.
    private static let zones: [String: Int] = [
        "ut": 0, "gmt": 0, "etc/gmt": 0, "etc/utc": 0, "mest": 7200, "mesz": 7200, "z": 0, "utc": 0, "wet": 0,
        "bst": 3600, "cet": 3600, "cest": 7200, "met": 3600,
        "adt": -3 * 3600, "ast": -4 * 3600, "at": -4 * 3600, "edt": -4 * 3600, "est": -5 * 3600, "et": -5 * 3600,
        "cdt": -5 * 3600, "cst": -6 * 3600, "ct": -6 * 3600, "mdt": -6 * 3600, "mst": -7 * 3600, "mt": -7 * 3600,
        "pdt": -7 * 3600, "pst": -8 * 3600, "pt": -8 * 3600, "akst": -9 * 3600, "akdt": -8 * 3600,
        "hst": -10 * 3600, "jst": 9 * 3600, "kst": 9 * 3600, "ist": 19800, "eet": 7200, "eest": 3 * 3600,
        "msk": 3 * 3600, "aest": 10 * 3600, "aedt": 11 * 3600, "nzst": 12 * 3600, "nzdt": 13 * 3600,
    ]

    /// Returns the offset of a zone written as a name ("EST"), as `GMT+1` or `+0100`, or as a military letter.
    private static func namedZoneOffset(_ token: String) -> Int? {
        var name = trimming(token.lowercased(), of: ["(", ")", "."])
        if let offset = zones[name] { return offset }
        if name.hasPrefix("etc/") { name.removeFirst(4) }
        for prefix in ["gmt", "utc", "ut"] where name.hasPrefix(prefix) && name.count > prefix.count {
            name.removeFirst(prefix.count)
            break
        }
        if let first = name.first, first == "+" || first == "-" {
            let digits = name.dropFirst().filter { $0 != ":" }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 4 else {
                return nil
            }
            let value = Int(digits)!
            let (hours, minutes) = digits.count <= 2 ? (value, 0) : (value / 100, value % 100)
            guard hours <= 23, minutes <= 59 else { return nil }
            let seconds = hours * 3600 + minutes * 60
            return first == "-" ? -seconds : seconds
        }
        if name.count == 1, let letter = name.unicodeScalars.first, ("a"..."z").contains(letter), letter != "j" {
            return 0  // Single-letter military zones have ambiguous offsets, so they read as UTC.
        }
        return nil
    }

    /// Returns `text` without the characters in `characters` at either end. Foundation's `trimmingCharacters(in:)`
    /// goes through an `NSString` on Linux and took a tenth of the time of parsing a large feed.
    private static func trimming(_ text: String, of characters: Set<Character>) -> String {
        guard let first = text.firstIndex(where: { !characters.contains($0) }),
            let last = text.lastIndex(where: { !characters.contains($0) })
        else { return "" }
        return String(text[first...last])
    }

    private static func parseRFC822(_ original: String) -> Date? {
        // RFC 822 allows comments in parentheses, which some servers add after the zone: "+0000 (UTC)". One pass
        // drops them, so that a hostile date of many comments costs no more than its length.
        var text = ""
        var depth = 0
        for character in original {
            if character == "(" {
                depth += 1
            } else if character == ")" && depth > 0 {
                depth -= 1
                if depth == 0 { text.append(" ") }
            } else if depth == 0 {
                text.append(character)
            }
        }
        var tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .map(String.init)
        // "01-Jan-2004" and "2006/09/15" spell the date in one token.
        if let first = tokens.first, first.count > 5, months[first.lowercased()] == nil, first.first?.isLetter == true {
            tokens.removeFirst()  // The day name, in any language.
        }
        if let first = tokens.first, first.count <= 3, first.first?.isLetter == true, months[first.lowercased()] == nil,
            first.lowercased() != "may"
        {
            tokens.removeFirst()
        }
        if let first = tokens.first, (first.contains("-") || first.contains("/")) && !first.hasPrefix("-") {
            let parts = first.split(whereSeparator: { $0 == "-" || $0 == "/" }).map(String.init)
            if parts.count == 3, parts[0].count == 4, let number = Int(parts[1]), (1...12).contains(number) {
                let name = months.first { $0.value == number }!.key
                tokens.replaceSubrange(0..<1, with: [parts[2], name, parts[0]])
            } else if parts.count == 3 {
                tokens.replaceSubrange(0..<1, with: parts)
            }
        }
        guard tokens.count >= 3 else { return nil }

        var day: Int?
        var month: Int?
        var year: Int?
        var time: String?
        var zone: String?
        for token in tokens {
            let lower = trimming(token.lowercased(), of: ["."])
            if month == nil, let value = months[String(lower.prefix(3))], lower.allSatisfy(\.isLetter) {
                month = value
            } else if token.contains(":") && time == nil && token.first?.isNumber == true {
                time = token
            } else if token.allSatisfy({ $0.isASCII && $0.isNumber }) {
                // Twenty digits overflow Int, so the conversion can still fail.
                guard let value = Int(token) else { return nil }
                if token.count == 4 {
                    guard year == nil else { return nil }
                    year = value
                } else if day == nil && value <= 31 {
                    day = value
                } else if year == nil && token.count <= 2 {
                    year = value < 90 ? 2000 + value : 1900 + value
                } else {
                    return nil
                }
            } else if time != nil || day != nil, namedZoneOffset(token) != nil {
                // A second zone, as in "+0000 GMT", names the same offset in words, so the first one counts.
                if zone == nil { zone = token }
            } else if month == nil, let value = Int(token), (1...12).contains(value) {
                month = value
            } else {
                return nil
            }
        }
        guard let day, let month, let year else { return nil }
        var hour = 0
        var minute = 0
        var second = 0.0
        if let time {
            let parts = time.split(separator: ":").map(String.init)
            guard parts.count == 2 || parts.count == 3, let parsedHour = Int(parts[0]), let parsedMinute = Int(parts[1])
            else { return nil }
            hour = parsedHour
            minute = parsedMinute
            if parts.count > 2 {
                guard let parsedSecond = Double(parts[2]) else { return nil }
                second = parsedSecond
            }
        }
        let offset = zone.flatMap(namedZoneOffset) ?? 0
        return makeDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }
}

/// A cursor over the characters of a date string.
private final class DigitScanner {
    private let characters: [Character]
    private var index = 0

    init(_ text: String) {
        characters = Array(text)
    }

    var atEnd: Bool { index >= characters.count }
    var rest: String { String(characters[index...]) }
    var peekDigit: Bool { !atEnd && characters[index].isASCII && characters[index].isNumber }

    func digits(exactly count: Int) -> Int? {
        guard index + count <= characters.count else { return nil }
        let slice = characters[index..<(index + count)]
        guard slice.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        index += count
        return Int(String(slice))
    }

    func digitString() -> String {
        var result = ""
        while peekDigit {
            result.append(characters[index])
            index += 1
        }
        return result
    }

    func skip(_ character: Character) -> Bool {
        guard !atEnd, characters[index] == character else { return false }
        index += 1
        return true
    }

    func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    func skipSpaces() {
        while !atEnd && characters[index] == " " { index += 1 }
    }

    func skipAll() {
        index = characters.count
    }
}
