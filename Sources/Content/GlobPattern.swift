/// A glob pattern over relative paths with forward slashes.
///
/// `*` matches within one path component, `?` one character, `[abc]` and `[a-z]` one character of a set (`[!a]`
/// negates), `{md,markdown}` one of the alternatives, and `**` any number of whole components, none included, so
/// `**/*.md` matches `a.md` and `posts/2024/a.md`. A pattern without `/` matches the file name at any depth.
package struct GlobPattern: Sendable, Equatable {
    package let pattern: String
    private let alternatives: [[String]]

    package init(_ pattern: String) {
        self.pattern = pattern
        var expanded = Self.expandBraces(pattern)
        if !pattern.contains("/") { expanded = expanded.map { "**/" + $0 } }
        alternatives = expanded.map { $0.split(separator: "/", omittingEmptySubsequences: true).map(String.init) }
    }

    /// True when `path` matches the pattern.
    package func matches(_ path: String) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        return alternatives.contains { Self.match(ArraySlice($0), ArraySlice(components)) }
    }

    private static func match(_ pattern: ArraySlice<String>, _ components: ArraySlice<String>) -> Bool {
        // Iterative matching with one backtrack point per `**`, as in the classic wildcard algorithm.
        var patternIndex = pattern.startIndex
        var componentIndex = components.startIndex
        var starPattern: Int?
        var starComponent = 0
        while componentIndex < components.endIndex {
            if patternIndex < pattern.endIndex && pattern[patternIndex] == "**" {
                starPattern = patternIndex
                starComponent = componentIndex
                patternIndex += 1
            } else if patternIndex < pattern.endIndex
                && matchComponent(Array(pattern[patternIndex]), Array(components[componentIndex]))
            {
                patternIndex += 1
                componentIndex += 1
            } else if let star = starPattern {
                patternIndex = star + 1
                starComponent += 1
                componentIndex = starComponent
            } else {
                return false
            }
        }
        while patternIndex < pattern.endIndex && pattern[patternIndex] == "**" { patternIndex += 1 }
        return patternIndex == pattern.endIndex
    }

    private static func matchComponent(_ pattern: [Character], _ text: [Character]) -> Bool {
        var patternIndex = 0
        var textIndex = 0
        var starPattern: Int?
        var starText = 0
        while textIndex < text.count {
            if patternIndex < pattern.count, pattern[patternIndex] == "*" {
                starPattern = patternIndex
                starText = textIndex
                patternIndex += 1
            } else if patternIndex < pattern.count,
                let next = matchOne(pattern, at: patternIndex, text[textIndex])
            {
                patternIndex = next
                textIndex += 1
            } else if let star = starPattern {
                patternIndex = star + 1
                starText += 1
                textIndex = starText
            } else {
                return false
            }
        }
        while patternIndex < pattern.count && pattern[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == pattern.count
    }

    /// Matches the pattern element at `index` against `character` and returns the index after it, or `nil`.
    private static func matchOne(_ pattern: [Character], at index: Int, _ character: Character) -> Int? {
        switch pattern[index] {
        case "?":
            return index + 1
        case "[":
            guard let close = pattern[(index + 1)...].firstIndex(of: "]"), close > index + 1 else {
                return character == "[" ? index + 1 : nil
            }
            var set = Array(pattern[(index + 1)..<close])
            let negated = set.first == "!" || set.first == "^"
            if negated { set.removeFirst() }
            var found = false
            var position = 0
            while position < set.count {
                if position + 2 < set.count && set[position + 1] == "-" {
                    if set[position] <= character && character <= set[position + 2] { found = true }
                    position += 3
                } else {
                    if set[position] == character { found = true }
                    position += 1
                }
            }
            return found != negated ? close + 1 : nil
        default:
            return pattern[index] == character ? index + 1 : nil
        }
    }

    /// Expands the first `{a,b}` group, then the rest, into separate patterns.
    private static func expandBraces(_ pattern: String) -> [String] {
        guard let open = pattern.firstIndex(of: "{"), let close = pattern[open...].firstIndex(of: "}") else {
            return [pattern]
        }
        let prefix = pattern[..<open]
        let suffix = pattern[pattern.index(after: close)...]
        let options = pattern[pattern.index(after: open)..<close].split(
            separator: ",", omittingEmptySubsequences: false)
        return options.flatMap { expandBraces(String(prefix) + String($0) + String(suffix)) }
    }
}
