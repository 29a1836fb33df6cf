import Foundation

/// The `planable-sync forget` and `post` command lines that messages suggest, quoted for a POSIX shell.
package enum ForgetCommandLine {
    /// Returns the command that removes one item from the state, such as `planable-sync forget posts/a.md`.
    ///
    /// The command names `configurationPath` unless it is the default one, so that it acts on the same state
    /// database when run by hand, such as for one instance of a per-client systemd unit.
    package static func item(source: String, identity: String, configurationPath: String? = nil) -> String {
        "planable-sync forget \(configOption(configurationPath))\(shellWord(source + "/" + identity))"
    }

    /// Returns the command that marks a feed entry recorded without a post, so that the next sync creates its post.
    package static func post(source: String, identity: String, configurationPath: String? = nil) -> String {
        "planable-sync post \(configOption(configurationPath))\(shellWord(source + "/" + identity))"
    }

    /// Returns the command that removes every record of a source from the state.
    package static func source(_ name: String, configurationPath: String? = nil) -> String {
        "planable-sync forget \(configOption(configurationPath))--source \(shellWord(name))"
    }

    /// `--config PATH ` for a configuration other than the default one, or nothing.
    private static func configOption(_ path: String?) -> String {
        guard let path, path != "/etc/planable-sync/config.yaml" else { return "" }
        return "--config \(shellWord(path)) "
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
