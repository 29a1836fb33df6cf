import Foundation
import Templates
import Timestamps
import YAML

extension Mapper {
    /// The variables templates see: the item's fields, then the standard names, which win on a clash.
    func templateValues(for item: SourceItem) -> [String: TemplateValue] {
        var values: [String: TemplateValue] = [:]
        if case .mapping(let pairs) = item.fields {
            for (key, value) in pairs { values[key] = TemplateValue(value) }
        }
        values["fields"] = TemplateValue(item.fields)
        values["title"] = .string(item.title)
        values["summary"] = .string(item.summary)
        values["text"] = .string(item.text)
        values["url"] = item.url.map { .string($0) } ?? .null
        values["tags"] = .string(Self.hashtags(item.tags).joined(separator: " "))
        values["tag_list"] = .list(item.tags.map { .string($0) })
        values["categories"] = .list(item.categories.map { .string($0) })
        values["source"] = .string(item.source)
        values["id"] = .string(item.identity)
        if let date = item.date {
            // A Jekyll post's date is its front matter `date` when it has one, else the date in its file name, and
            // Jekyll builds the post's URL from it, as `item.date` is chosen, in the site's time zone. A date without
            // a time was read in the workspace's zone, where it shows its own day.
            let zone = (item.dateHasTime ? item.siteTimeZone : nil) ?? context.timeZone
            let local = date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))
            let parts = Timestamp.civilDate(local)
            values["date"] = .mapping([
                ("year", .string(String(format: "%04d", parts.year))),
                ("month", .string(String(format: "%02d", parts.month))),
                ("day", .string(String(format: "%02d", parts.day))),
                ("iso", .string(Self.localISO(date, timeZone: context.timeZone))),
            ])
        }
        values["slug"] = .string(Self.slug(for: item))
        values["path"] = Self.sitePath(for: item).map { .string($0) } ?? .null
        return values
    }

    /// Formats `date` as an RFC 3339 date-time in `timeZone`, with milliseconds and its offset, such as
    /// `2027-01-01T00:00:00.000+01:00`, so that a date without a time shows the day written. UTC gives `Z`, as the
    /// UTC form before this did. An offset with seconds, as some zones had before 1900, loses them.
    static func localISO(_ date: Date, timeZone: TimeZone) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let local = Timestamp.format(date.timeIntervalSince1970 + Double(offset))
        guard offset != 0 else { return local }
        let minutes = abs(offset) / 60
        return local.dropLast() + String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", minutes / 60, minutes % 60)
    }

    /// Returns the file's path below the source folder without its extension, such as `functions/collections/in` for
    /// `functions/collections/in.md`, with a page bundle's `index` or a section's `_index` left out. On a Hugo site
    /// with the default permalinks and lowercase file names, `https://example.org/{{path}}/` is the page's URL.
    /// Nil for a feed entry, whose location is a URL.
    static func sitePath(for item: SourceItem) -> String? {
        guard !item.location.contains("://") else { return nil }
        var components = item.location.split(separator: "/").map(String.init)
        guard let last = components.popLast() else { return nil }
        let name = (last as NSString).deletingPathExtension
        if name != "index" && name != "_index" { components.append(name) }
        return components.joined(separator: "/")
    }

    /// A tag as a hashtag: letters and digits kept, everything else dropped, so "Jekyll 4.0" becomes "#Jekyll40".
    /// A language name that ends in `++` or `#` keeps that ending spelled out, as people tag it: "C++" becomes
    /// "#Cpp" and "C#" becomes "#CSharp", not "#C".
    static func hashtag(_ tag: String) -> String {
        var name = tag.trimmingCharacters(in: .whitespaces)
        if name.count > 2, name.hasSuffix("++") {
            name = name.dropLast(2) + "pp"
        } else if name.count > 1, name.hasSuffix("#"), name.dropLast().last?.isLetter == true {
            name = name.dropLast() + "Sharp"
        }
        return "#" + name.filter { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Returns the hashtags of `tags`, each once, in the case of its first use, since networks match hashtags
    /// without case. A tag with no letter, such as "2025" or an empty one, is left out, because X does not link a
    /// hashtag of digits alone.
    static func hashtags(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.map(hashtag).filter { tag in
            tag.contains { $0.isLetter } && seen.insert(tag.lowercased()).inserted
        }
    }

    /// The slug: front matter `slug`, else the file name without a Jekyll date prefix and extension. An `index` or
    /// `_index` file, such as a Hugo page bundle's, takes its folder's name, as the site's own URL does.
    static func slug(for item: SourceItem) -> String {
        if case .string(let text)? = item.field("slug") { return text }
        // Split by hand: a feed's location is a URL, and Foundation's path methods are for file paths.
        let components = item.location.split(separator: "/")
        var name = ((components.last.map(String.init) ?? item.location) as NSString).deletingPathExtension
        if name == "index" || name == "_index", components.count > 1, !components[components.count - 2].hasSuffix(":") {
            name = String(components[components.count - 2])
        }
        let prefix = name.prefix(11)
        if prefix.count == 11, prefix.dropLast().allSatisfy({ $0.isNumber || $0 == "-" }), prefix.last == "-" {
            name = String(name.dropFirst(11))
        }
        return name
    }
}
