import Foundation

/// The `planable-sync forget` command lines that messages suggest, quoted for a POSIX shell.
package enum ForgetCommandLine {
    /// Returns the command that removes one item from the state, such as `planable-sync forget posts/a.md`.
    package static func item(source: String, identity: String) -> String {
        "planable-sync forget \(shellWord(source + "/" + identity))"
    }

    /// Returns the command that removes every record of a source from the state.
    package static func source(_ name: String) -> String {
        "planable-sync forget --source \(shellWord(name))"
    }

    /// The characters besides ASCII letters and digits that a shell reads as part of a plain word.
    private static let plainPunctuation = Set("/._-+:@%,=".unicodeScalars)

    /// Returns `word` as it is when a shell reads it as one word, and in single quotes otherwise.
    package static func shellWord(_ word: String) -> String {
        let isPlain =
            !word.isEmpty
            && word.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                        || plainPunctuation.contains(scalar))
            }
        if isPlain { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
