import Foundation

/// The weighted length that X applies to post text, after twitter-text 3 (`config/v3.json`).
///
/// The text is NFC-normalized first. Each URL counts 23 whatever its length. Each emoji, including
/// a sequence joined by U+200D or with a skin-tone modifier, counts 2. Any other code point counts 1
/// when it falls in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F or U+2032–U+2037, and 2 otherwise.
package enum TwitterText {
    package static let maxWeightedLength = 280
    package static let urlWeight = 23
    private static let singleWeightRanges: [ClosedRange<UInt32>] = [
        0x0000...0x10FF, 0x2000...0x200D, 0x2010...0x201F, 0x2032...0x2037,
    ]

    /// Returns the weighted length of `text`.
    package static func weightedLength(_ text: String) -> Int {
        let scalars = Array(text.precomposedStringWithCanonicalMapping.unicodeScalars)
        var total = 0
        var cursor = 0
        for range in URLScanner.urlRanges(in: scalars) {
            total += weight(of: scalars[cursor..<range.lowerBound])
            total += urlWeight
            cursor = range.upperBound
        }
        total += weight(of: scalars[cursor...])
        return total
    }

    private static func weight(of scalars: ArraySlice<Unicode.Scalar>) -> Int {
        guard !scalars.isEmpty else { return 0 }
        var total = 0
        for character in String(String.UnicodeScalarView(scalars)) {
            if character.isEmojiSequence {
                total += 2
                continue
            }
            for scalar in character.unicodeScalars {
                total += singleWeightRanges.contains { $0.contains(scalar.value) } ? 1 : 2
            }
        }
        return total
    }
}

extension Character {
    /// True when the character is shown as an emoji: a code point with emoji presentation, or an emoji
    /// with U+FE0F, a keycap (U+20E3) or a skin-tone modifier, or a flag or ZWJ sequence starting with one.
    var isEmojiSequence: Bool {
        let scalars = unicodeScalars
        guard let first = scalars.first else { return false }
        if first.properties.isEmojiPresentation { return true }
        guard first.properties.isEmoji else { return false }
        return scalars.dropFirst().contains {
            $0.value == 0xFE0F || $0.value == 0x20E3 || $0.properties.isEmojiModifier
        }
    }
}
