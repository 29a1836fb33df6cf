import Foundation

/// The template dialects whose tags are removed from a body before Markdown parsing.
package enum TemplateSyntax: String, Sendable, Equatable {
    /// Decide from the site and the file. Jekyll applies under a root with `_config.yml` and to files under `_posts`
    /// or `_drafts` or with a dated name. Hugo applies under a root with a Hugo configuration file and to files with
    /// TOML front matter or shortcodes in the body. Both apply to other files with a `{%` tag, and Hugo to the rest,
    /// so their `{{ ... }}` text stays.
    case auto
    /// Liquid tags (`{% ... %}`) and Liquid output (`{{ ... }}`).
    case jekyll
    /// Hugo shortcodes (`{{< ... >}}`, `{{% ... %}}`); `{{ ... }}` stays, because Hugo does not run templates in
    /// content files.
    case hugo
    /// Liquid tags, Liquid output and Hugo shortcodes.
    case both
}

/// A media reference found in a shortcode such as `{{< figure src="..." >}}`.
struct ShortcodeMedia: Equatable {
    var source: String
    var alt: String?
    /// Whether a front matter key such as `images` names the medium, which Hugo's and Jekyll's templates read
    /// from the site's root when its path is relative.
    var isFrontMatter = false
}

/// A tokenizer that removes Liquid tags and Hugo shortcodes from a body, as Jekyll and Hugo process them before
/// Markdown: `{% raw %}` blocks stay as literal text, `{% comment %}` blocks go, and `{% highlight %}` blocks and
/// code shortcodes become fenced code blocks, so the Markdown walker applies one code block policy to all.
///
/// Like Liquid's own lexer, a tag ends at the first `%}` or `}}`, quotes or not. Searches for closing sequences
/// reuse earlier results, and a code shortcode without a closing tag is searched for once per name, so hostile
/// input stays close to linear (the hostile input test checks 1.6 MB of unclosed openers).
struct TemplateTagStripper {
    var liquid: Bool
    var hugo: Bool
    /// Shortcode names whose inner content is code, such as `highlight`.
    var codeShortcodes: Set<String>
    /// Shortcode names whose `src` parameter is an image, such as `figure`.
    var mediaShortcodes: Set<String> = ["figure", "img", "image"]

    func strip(_ text: String) -> (text: String, media: [ShortcodeMedia]) {
        var run = Run(bytes: Array(text.utf8), stripper: self)
        run.process()
        return (String(decoding: run.output, as: UTF8.self), run.media)
    }

    private struct Run {
        let bytes: [UInt8]
        let stripper: TemplateTagStripper
        var output: [UInt8] = []
        var media: [ShortcodeMedia] = []
        var index = 0
        /// The next position of each closing sequence at or after the position it was searched from.
        var closerCache: [[UInt8]: (from: Int, found: Int?)] = [:]
        /// Code shortcode names whose closing tag was searched for up to the end of the body and not found.
        var unclosedShortcodes: Set<String> = []

        init(bytes: [UInt8], stripper: TemplateTagStripper) {
            self.bytes = bytes
            self.stripper = stripper
            output.reserveCapacity(bytes.count)
        }

        mutating func process() {
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, processTag() {
                    continue
                }
                output.append(bytes[index])
                index += 1
            }
        }

        /// Handles a tag at `index`; returns false when the braces there start no tag.
        mutating func processTag() -> Bool {
            let next = bytes[index + 1]
            if stripper.hugo && next == UInt8(ascii: "{") && index + 2 < bytes.count
                && (bytes[index + 2] == UInt8(ascii: "<") || bytes[index + 2] == UInt8(ascii: "%"))
            {
                return processShortcode()
            }
            if stripper.liquid && next == UInt8(ascii: "%") {
                return processLiquidTag()
            }
            if stripper.liquid && next == UInt8(ascii: "{") {
                guard let close = find(Array("}}".utf8), from: index + 2) else { return false }
                let expression = String(decoding: bytes[index + 2..<close], as: UTF8.self)
                if let literal = Self.urlLiteral(expression) { output.append(contentsOf: Array(literal.utf8)) }
                index = close + 2
                return true
            }
            return false
        }

        mutating func processLiquidTag() -> Bool {
            guard let tag = liquidTag(at: index) else { return false }
            index = tag.end
            switch tag.words.first {
            case "raw":
                let block = blockEnd(endName: "endraw")
                output.append(contentsOf: bytes[index..<block.contentEnd])
                index = block.resume
            case "comment":
                index = blockEnd(endName: "endcomment").resume
            case "capture":
                // A capture assigns its content to a variable, so the content is not output where it is written.
                index = blockEnd(endName: "endcapture").resume
            case "highlight":
                let block = blockEnd(endName: "endhighlight")
                appendFencedCode(bytes[index..<block.contentEnd], language: tag.words.dropFirst().first ?? "")
                index = block.resume
            case "post_url", "link":
                // These output a URL, which is usually a Markdown link's target. Removing it would break the link,
                // and a reference definition such as `[ref]: {% post_url name %}` would leave `[text][ref]` in the
                // text, so the tag becomes a URL in Jekyll's default form instead.
                if let argument = tag.words.dropFirst().first {
                    let url = tag.words[0] == "post_url" ? Self.postURL(argument) : "/" + argument.trimmingPrefix("/")
                    output.append(contentsOf: Array(url.utf8))
                }
            default:
                break
            }
            return true
        }

        /// Returns the URL that Jekyll's default permalink style gives the post `name`, such as
        /// `/2013/05/06/jekyll-1-0-0-released.html` for `2013-05-06-jekyll-1-0-0-released`. A site with another
        /// permalink style publishes the post elsewhere, which only matters where the URL is shown as text.
        static func postURL(_ name: String) -> String {
            let parts = name.split(separator: "-", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2 else {
                return "/" + name + ".html"
            }
            return "/\(parts[0])/\(parts[1])/\(parts[2])/\(parts[3]).html"
        }

        /// The extensions of the content formats that Hugo reads.
        static let contentExtensions: Set<String> = [
            "md", "markdown", "mdown", "html", "htm", "adoc", "asciidoc", "ad", "org", "pdc", "pandoc", "rst",
        ]

        /// Returns the URL that Hugo's default permalinks give the content file `reference` of a `ref` or
        /// `relref` shortcode, such as `/blog/post-one/#part` for `/Blog/Post-One/index.md#part`. That is the path
        /// below the content folder in lower case, with hyphens for spaces, and without its extension or index file
        /// name. Hugo resolves a relative reference from the page's own folder and may apply other permalinks,
        /// which only matters where the URL is shown as text.
        static func pageURL(_ reference: String) -> String {
            let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let fragment = parts.count == 2 ? "#" + parts[1] : ""
            var components = parts[0].split(separator: "/").map(String.init)
            // Only a content file's extension goes, so a name such as `v1.2-release` keeps its dot.
            if let last = components.last, let dot = last.lastIndex(of: "."), dot != last.startIndex,
                Self.contentExtensions.contains(last[last.index(after: dot)...].lowercased())
            {
                components[components.count - 1] = String(last[..<dot])
            }
            if components.last == "index" || components.last == "_index" { components.removeLast() }
            if components.isEmpty { return parts[0].isEmpty ? fragment : "/" + fragment }
            // Hugo's URLs put hyphens for spaces.
            let path = components.joined(separator: "/").lowercased().replacingOccurrences(of: " ", with: "-")
            return "/" + path + "/" + fragment
        }

        /// Extracts the string of a Liquid output such as `{{ "/docs/" | relative_url }}`, whose value is that string
        /// under the site's base URL. Returns `nil` for any other expression, whose value only Jekyll can compute.
        static func urlLiteral(_ expression: String) -> String? {
            var text = expression.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("-") { text.removeFirst() }
            if text.hasSuffix("-") { text.removeLast() }
            let parts = text.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count >= 2, let literal = parts.first, literal.count >= 2,
                let quote = literal.first, quote == "\"" || quote == "'", literal.last == quote,
                parts.dropFirst().allSatisfy({ $0 == "relative_url" || $0 == "absolute_url" })
            else { return nil }
            return String(literal.dropFirst().dropLast())
        }

        /// Parses the Liquid tag starting at `position` (`{%`) into its words and the index after `%}`.
        mutating func liquidTag(at position: Int) -> (words: [String], end: Int)? {
            guard let close = find(Array("%}".utf8), from: position + 2) else { return nil }
            var inner = String(decoding: bytes[position + 2..<close], as: UTF8.self)
            if inner.hasPrefix("-") { inner.removeFirst() }
            if inner.hasSuffix("-") { inner.removeLast() }
            let words = inner.split(whereSeparator: \.isWhitespace).map(String.init)
            return (words, close + 2)
        }

        /// Finds the end of a Liquid block body: where its closing tag starts, and the index after that tag.
        mutating func blockEnd(endName: String) -> (contentEnd: Int, resume: Int) {
            var search = index
            while let open = find(Array("{%".utf8), from: search) {
                guard let tag = liquidTag(at: open) else { break }
                if tag.words.first == endName { return (open, tag.end) }
                search = open + 2
            }
            return (bytes.count, bytes.count)
        }

        mutating func processShortcode() -> Bool {
            let percent = bytes[index + 2] == UInt8(ascii: "%")
            let closer = Array((percent ? "%}}" : ">}}").utf8)
            let escapedOpen = Array((percent ? "{{%/*" : "{{</*").utf8)
            if hasBytes(escapedOpen, at: index) {
                let escapedClose = Array((percent ? "*/%}}" : "*/>}}").utf8)
                guard let close = find(escapedClose, from: index + escapedOpen.count) else { return false }
                output.append(contentsOf: Array((percent ? "{{%" : "{{<").utf8))
                output.append(contentsOf: bytes[index + escapedOpen.count..<close])
                output.append(contentsOf: Array((percent ? "%}}" : ">}}").utf8))
                index = close + escapedClose.count
                return true
            }
            guard let shortcode = shortcode(at: index, closer: closer) else { return false }
            index = shortcode.end
            if shortcode.isClosing { return true }
            if stripper.mediaShortcodes.contains(shortcode.name), let source = shortcode.parameters["src"] {
                media.append(
                    ShortcodeMedia(source: source, alt: shortcode.parameters["alt"] ?? shortcode.parameters["caption"]))
            }
            if shortcode.name == "ref" || shortcode.name == "relref",
                let reference = shortcode.positional.first ?? shortcode.parameters["path"]
            {
                // Hugo writes the page's URL in place of the shortcode, which is a Markdown link's target or part
                // of a sentence, so the URL takes its place here too, as for Jekyll's `post_url`.
                output.append(contentsOf: Array(Self.pageURL(reference).utf8))
                return true
            }
            if let url = Self.embedURL(shortcode) {
                // Hugo embeds the video or post; a social post can link to it, so its URL takes the place.
                output.append(contentsOf: Array(url.utf8))
                return true
            }
            if stripper.codeShortcodes.contains(shortcode.name) && !shortcode.isSelfClosing
                && !unclosedShortcodes.contains(shortcode.name)
            {
                var search = index
                while let open = find(Array("{{".utf8), from: search) {
                    let openCloser = open + 2 < bytes.count && bytes[open + 2] == UInt8(ascii: "%") ? "%}}" : ">}}"
                    if let inner = self.shortcode(at: open, closer: Array(openCloser.utf8)), inner.isClosing,
                        inner.name == shortcode.name
                    {
                        let language = shortcode.positional.first ?? shortcode.parameters["lang"] ?? ""
                        appendFencedCode(bytes[index..<open], language: language)
                        index = inner.end
                        return true
                    }
                    search = open + 2
                }
                // The search reached the end, so no later opener of this name has a closing tag either.
                unclosedShortcodes.insert(shortcode.name)
            }
            return true
        }

        /// Returns the public URL of what one of Hugo's embedding shortcodes shows: `youtube`, `vimeo`, `instagram`,
        /// `x` (and the older `twitter` and `tweet`) and `gist`, by position or by name. Nil for any other shortcode,
        /// or for one without the parameters that make its URL.
        static func embedURL(_ shortcode: Shortcode) -> String? {
            // A user or id of other characters, such as a template expression, would make a broken URL.
            func value(_ name: String, position: Int) -> String? {
                let text = shortcode.parameters[name] ?? shortcode.positional.dropFirst(position).first
                guard let text, !text.isEmpty,
                    text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
                else { return nil }
                return text
            }
            switch shortcode.name {
            case "youtube": return value("id", position: 0).map { "https://www.youtube.com/watch?v=\($0)" }
            case "vimeo": return value("id", position: 0).map { "https://vimeo.com/\($0)" }
            case "instagram": return value("id", position: 0).map { "https://www.instagram.com/p/\($0)/" }
            case "x", "twitter", "tweet":
                // `{{< x user="name" id="123" >}}`, `{{< tweet name 123 >}}`, or the oldest `{{< tweet 123 >}}`.
                let byPosition = shortcode.parameters["id"] == nil && shortcode.positional.count == 1
                guard let id = value("id", position: byPosition ? 0 : 1) else { return nil }
                let user = byPosition ? nil : value("user", position: 0)
                return "https://x.com/\(user ?? "i")/status/\(id)"
            case "gist":
                guard let user = value("user", position: 0), let id = value("id", position: 1) else { return nil }
                return "https://gist.github.com/\(user)/\(id)"
            default: return nil
            }
        }

        struct Shortcode {
            var name: String
            var positional: [String]
            var parameters: [String: String]
            var isClosing: Bool
            var isSelfClosing: Bool
            var end: Int
        }

        mutating func shortcode(at position: Int, closer: [UInt8]) -> Shortcode? {
            guard position + 3 <= bytes.count, let close = find(closer, from: position + 3) else { return nil }
            var inner = String(decoding: bytes[position + 3..<close], as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let isClosing = inner.hasPrefix("/")
            if isClosing { inner.removeFirst() }
            let isSelfClosing = inner.hasSuffix("/")
            if isSelfClosing { inner.removeLast() }
            let words = Self.shortcodeWords(inner)
            var positional: [String] = []
            var parameters: [String: String] = [:]
            for word in words.dropFirst() {
                if let equals = word.key {
                    parameters[equals] = word.value
                } else {
                    positional.append(word.value)
                }
            }
            return Shortcode(
                name: words.first?.value.trimmingCharacters(in: .whitespaces) ?? "", positional: positional,
                parameters: parameters, isClosing: isClosing, isSelfClosing: isSelfClosing, end: close + closer.count)
        }

        /// Splits shortcode arguments into words, honoring "double", `raw` and 'single' quotes and `key=value`.
        static func shortcodeWords(_ text: String) -> [(key: String?, value: String)] {
            var words: [(key: String?, value: String)] = []
            var key: String?
            var current = ""
            var quote: Character?
            var hasWord = false
            for character in text {
                if let open = quote {
                    if character == open { quote = nil } else { current.append(character) }
                    continue
                }
                switch character {
                case "\"", "`", "'":
                    quote = character
                    hasWord = true
                case "=" where key == nil && hasWord:
                    key = current
                    current = ""
                case _ where character.isWhitespace:
                    if hasWord { words.append((key, current)) }
                    key = nil
                    current = ""
                    hasWord = false
                default:
                    current.append(character)
                    hasWord = true
                }
            }
            if hasWord { words.append((key, current)) }
            return words
        }

        mutating func appendFencedCode(_ code: ArraySlice<UInt8>, language: String) {
            var longestRun = 0
            var run = 0
            for byte in code {
                run = byte == UInt8(ascii: "`") ? run + 1 : 0
                longestRun = max(longestRun, run)
            }
            let fence = Array(repeating: UInt8(ascii: "`"), count: max(3, longestRun + 1))
            var body = code
            while body.first == UInt8(ascii: "\n") { body = body.dropFirst() }
            if let last = output.last, last != UInt8(ascii: "\n") { output.append(UInt8(ascii: "\n")) }
            output.append(contentsOf: fence)
            output.append(contentsOf: Array(language.filter { !$0.isWhitespace && $0 != "`" }.utf8))
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: body)
            if body.last != UInt8(ascii: "\n") { output.append(UInt8(ascii: "\n")) }
            output.append(contentsOf: fence)
            output.append(UInt8(ascii: "\n"))
        }

        func hasBytes(_ needle: [UInt8], at position: Int) -> Bool {
            guard position + needle.count <= bytes.count else { return false }
            for offset in 0..<needle.count where bytes[position + offset] != needle[offset] { return false }
            return true
        }

        /// Finds the first position at or after `start` where `needle` occurs, reusing the previous search result.
        mutating func find(_ needle: [UInt8], from start: Int) -> Int? {
            if let cached = closerCache[needle], cached.from <= start {
                guard let found = cached.found else { return nil }
                if found >= start { return found }
            }
            var position = start
            var result: Int?
            while position + needle.count <= bytes.count {
                if bytes[position] == needle[0] && hasBytes(needle, at: position) {
                    result = position
                    break
                }
                position += 1
            }
            closerCache[needle] = (start, result)
            return result
        }
    }
}
