import Foundation

/// Text measurement in each network's unit.
package enum TextCounter {
    /// Returns the length of `text` as `counting` measures it.
    package static func count(_ text: String, by counting: TextCounting) -> Int {
        switch counting {
        case .graphemes: return text.count
        case .unicodeScalars: return text.unicodeScalars.count
        case .utf16: return text.utf16.count
        case .utf8Bytes: return text.utf8.count
        case .twitterWeighted: return TwitterText.weightedLength(text)
        }
    }

    /// Returns the number of hashtags in `text`: a `#` that does not follow a letter, digit or `&`,
    /// followed by at least one letter, digit or underscore.
    package static func hashtagCount(_ text: String) -> Int {
        tagCount(text, sigils: ["#", "＃"]) {
            $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_"
        }
    }

    /// Returns the number of @ mentions in `text`: an `@` that does not follow a letter or digit (so an
    /// e-mail address does not count), followed by a letter, digit, underscore or dot.
    package static func mentionCount(_ text: String) -> Int {
        tagCount(text, sigils: ["@", "＠"]) {
            $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == ".")
        }
    }

    private static func tagCount(
        _ text: String, sigils: Set<Unicode.Scalar>, isNameScalar: (Unicode.Scalar) -> Bool
    ) -> Int {
        let scalars = Array(text.unicodeScalars)
        var count = 0
        for (index, scalar) in scalars.enumerated() where sigils.contains(scalar) {
            if index > 0 {
                let previous = scalars[index - 1]
                let joinsPrevious =
                    previous.properties.isAlphabetic || previous.properties.numericType != nil
                    || previous == "&" || sigils.contains(previous)
                if joinsPrevious { continue }
            }
            if index + 1 < scalars.count, isNameScalar(scalars[index + 1]) { count += 1 }
        }
        return count
    }
}
