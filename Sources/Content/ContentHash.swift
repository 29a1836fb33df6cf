import Foundation
import Hashing
import YAML

/// The content hash of an item: SHA-256 over a canonical JSON encoding of the fields a post is made of.
///
/// The fields are the identity, title, date (as seconds since 1970, with its time and zone flags), slug, tags,
/// categories, summary, plain text, links, URL and overrides. The media references with their kind and alt text
/// come next, and then the whole front matter with mapping keys sorted. So the hash is stable across runs and machines (no
/// absolute paths, no file times), changes when anything a post template can use changes, and stays the same when
/// only dropped parts change, such as code blocks (while they are dropped) or Markdown formatting.
/// NOTE: a changed image file under the same name does not change the hash; the engine hashes media files itself
/// when it uploads them.
enum ContentHash {
    static func compute(_ item: ContentItem) -> String {
        var fields: [(String, YAMLValue)] = [
            ("identity", .string(item.identity)),
            ("title", .string(item.title)),
            ("date", item.date.map { .double($0.timeIntervalSince1970) } ?? .null),
            ("dateHasTime", .bool(item.dateHasTime)),
            ("dateHasZone", .bool(item.dateHasZone)),
            ("slug", .string(item.slug)),
            ("tags", .list(item.tags.map { .string($0) })),
            ("categories", .list(item.categories.map { .string($0) })),
            ("summary", .string(item.summary)),
            ("text", .string(item.text)),
            ("links", .list(item.links.map { .string($0) })),
            ("url", item.url.map { .string($0) } ?? .null),
            ("overrides", item.overrides ?? .null),
        ]
        let media: [YAMLValue] = item.media.map { media in
            .mapping([
                ("reference", .string(media.reference)), ("kind", .string(media.kind.rawValue)),
                ("alt", media.alt.map { .string($0) } ?? .null),
            ])
        }
        fields.append(("media", .list(media)))
        fields.append(("frontMatter", item.frontMatter))
        var output = ""
        canonicalJSON(.mapping(fields), into: &output)
        return SHA256.hex(output)
    }

    /// Writes `value` as JSON with mapping keys sorted, so equal values always give equal text.
    static func canonicalJSON(_ value: YAMLValue, into output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .integer(let number): output += String(number)
        case .double(let number): output += number.isFinite ? String(number) : "\"\(number)\""
        case .string(let text): appendString(text, to: &output)
        case .list(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                canonicalJSON(item, into: &output)
            }
            output += "]"
        case .mapping(let pairs):
            output += "{"
            let sorted = pairs.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
            for (index, pair) in sorted.enumerated() {
                if index > 0 { output += "," }
                appendString(pair.element.0, to: &output)
                output += ":"
                canonicalJSON(pair.element.1, into: &output)
            }
            output += "}"
        }
    }

    private static func appendString(_ text: String, to output: inout String) {
        let needsEscape = text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        guard needsEscape else {
            output += "\"" + text + "\""
            return
        }
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: bytes += Array(String(format: "\\u%04x", byte).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        output += String(decoding: bytes, as: UTF8.self)
    }
}
