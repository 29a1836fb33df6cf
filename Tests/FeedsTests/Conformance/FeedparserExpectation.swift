import Foundation

@testable import Feeds

/// A value during evaluation of an `Expect:` expression against a parsed `Feed`.
indirect enum PythonValue {
    case bool(Bool)
    case int(Int)
    case string(String)
    /// A text field of the product, in its plain form and, where the feed gave HTML, its HTML form.
    case text(plain: String, html: String?)
    case tuple([PythonValue])
    case list([PythonValue])
    case format(FeedFormat)
    case object(kind: String, fields: [String: PythonValue])
}

/// An expression that refers to something the product does not model, so its fixture is left out.
struct NotApplicable: Error {
    var reason: String
}

/// An expression that raises in Python (a missing key, an index out of range), so its fixture fails.
struct EvaluationFailure: Error {
    var reason: String
}

/// Evaluates feedparser's `Expect:` expressions against the product's `Feed`, for the fields the product uses:
/// titles, links, ids, dates, summaries and content, categories, enclosures and media, encoding and `bozo`.
struct FeedparserExpectation {
    let feed: Feed

    func evaluate(_ expression: PythonExpression) throws -> Bool {
        truthy(try value(expression))
    }

    private func value(_ expression: PythonExpression) throws -> PythonValue {
        switch expression {
        case .name(let name):
            return try global(name)
        case .string(let text):
            return .string(text)
        case .number(let number):
            return .int(number)
        case .tuple(let items):
            return .tuple(try items.map(value))
        case .list(let items):
            return .list(try items.map(value))
        case .dictionary(let pairs):
            var fields: [String: PythonValue] = [:]
            for pair in pairs {
                guard case .string(let key) = try value(pair.key) else {
                    throw NotApplicable(reason: "dictionary keys other than strings are not evaluated")
                }
                fields[key] = try value(pair.value)
            }
            return .object(kind: "literal", fields: fields)
        case .method(let base, let name, let arguments):
            let receiver = try value(base)
            let argumentValues = try arguments.map(value)
            guard name == "has_key", case .string(let key)? = argumentValues.first else {
                throw NotApplicable(reason: "the method \(name)() is not evaluated")
            }
            return .bool(try compare("in", .string(key), receiver))
        case .subscript(let base, let index):
            return try subscriptValue(try value(base), try value(index))
        case .attribute(let base, let name):
            return try subscriptValue(try value(base), .string(name))
        case .call(let function, let arguments):
            return try call(function, try arguments.map(value))
        case .compare(let symbol, let left, let right):
            return .bool(try compare(symbol, try value(left), try value(right)))
        case .and(let left, let right):
            // Both sides are evaluated, so that a left-out field on the right is found even when the left fails.
            let leftValue: PythonValue
            do {
                leftValue = try value(left)
            } catch let failure as EvaluationFailure {
                _ = try value(right)  // A left-out field on the right leaves the fixture out rather than failing it.
                throw failure
            }
            let rightValue = try value(right)
            return .bool(truthy(leftValue) && truthy(rightValue))
        case .or(let left, let right):
            let leftValue = try value(left)
            let rightValue = try value(right)
            return .bool(truthy(leftValue) || truthy(rightValue))
        case .not(let inner):
            return .bool(!truthy(try value(inner)))
        }
    }

    private func global(_ name: String) throws -> PythonValue {
        switch name {
        case "bozo": return .bool(feed.isIllFormed)
        case "encoding": return .string(feed.encoding)
        case "version": return .format(feed.format)
        case "feed": return feedObject()
        case "entries": return .list(feed.entries.map(entryObject))
        default: throw NotApplicable(reason: "`\(name)` is not a field the product uses")
        }
    }

    private func feedObject() -> PythonValue {
        var fields: [String: PythonValue] = [:]
        if !feed.title.isEmpty {
            fields["title"] = .text(plain: feed.title, html: nil)
            fields["title_detail"] = .object(
                kind: "feed title_detail", fields: ["value": .text(plain: feed.title, html: nil)])
        }
        if !feed.link.isEmpty { fields["link"] = .string(feed.link) }
        if let id = feed.id { fields["id"] = .string(id) }
        return .object(kind: "feed", fields: fields)
    }

    private func entryObject(_ entry: FeedEntry) -> PythonValue {
        var fields: [String: PythonValue] = [:]
        if !entry.title.isEmpty {
            fields["title"] = .text(plain: entry.title, html: nil)
            fields["title_detail"] = .object(
                kind: "title_detail", fields: ["value": .text(plain: entry.title, html: nil)])
        }
        if !entry.link.isEmpty { fields["link"] = .string(entry.link) }
        if let id = entry.id {
            fields["id"] = .string(id)
            fields["guid"] = .string(id)
        }
        if !entry.author.isEmpty { fields["author"] = .string(entry.author) }
        // feedparser copies the content into the summary when an entry has no summary.
        let summary: PythonValue? =
            !entry.summary.isEmpty || entry.summaryHTML != nil
            ? .text(plain: entry.summary, html: entry.summaryHTML)
            : (!entry.content.isEmpty ? .text(plain: entry.content, html: entry.contentHTML) : nil)
        if let summary {
            fields["summary"] = summary
            fields["description"] = summary
            fields["summary_detail"] = .object(kind: "summary_detail", fields: ["value": summary])
        }
        if !entry.content.isEmpty || entry.contentHTML != nil {
            let content = PythonValue.object(
                kind: "content", fields: ["value": .text(plain: entry.content, html: entry.contentHTML)])
            fields["content"] = .list([content])
        }
        if let published = entry.published { fields["published_parsed"] = timeTuple(published) }
        if let updated = entry.updated ?? entry.published { fields["updated_parsed"] = timeTuple(updated) }
        if !entry.categories.isEmpty {
            fields["tags"] = .list(entry.categories.map { .object(kind: "tag", fields: ["term": .string($0)]) })
            fields["category"] = .string(entry.categories[0])
        }
        let enclosures = entry.media.filter { $0.role == .enclosure }
        if !enclosures.isEmpty {
            fields["enclosures"] = .list(
                enclosures.map { media in
                    var item: [String: PythonValue] = ["href": .string(media.url)]
                    if let type = media.type { item["type"] = .string(type) }
                    if let length = media.length { item["length"] = .string(String(length)) }
                    return .object(kind: "enclosure", fields: item)
                })
        }
        let contents = entry.media.filter { $0.role == .content }
        if !contents.isEmpty {
            fields["media_content"] = .list(
                contents.map { media in
                    var item: [String: PythonValue] = ["url": .string(media.url)]
                    if let type = media.type { item["type"] = .string(type) }
                    if let medium = media.medium { item["medium"] = .string(medium) }
                    if let length = media.length { item["filesize"] = .string(String(length)) }
                    return .object(kind: "media_content", fields: item)
                })
        }
        let thumbnails = entry.media.filter { $0.role == .thumbnail }
        if !thumbnails.isEmpty {
            fields["media_thumbnail"] = .list(
                thumbnails.map { .object(kind: "media_thumbnail", fields: ["url": .string($0.url)]) })
        }
        return .object(kind: "entry", fields: fields)
    }

    /// Keys feedparser sets that the product models, per object kind; any other key is left out.
    private static let modelledKeys: [String: Set<String>] = [
        "feed": ["title", "title_detail", "link", "id"],
        "entry": [
            "title", "title_detail", "link", "id", "guid", "author", "summary", "description", "summary_detail",
            "content", "published_parsed", "updated_parsed", "tags", "category", "enclosures", "media_content",
            "media_thumbnail",
        ],
        "title_detail": ["value"], "feed title_detail": ["value"], "summary_detail": ["value"], "content": ["value"],
        "tag": ["term"], "enclosure": ["href", "type", "length"],
        "media_content": ["url", "type", "medium", "filesize"],
        "media_thumbnail": ["url"],
    ]

    private func subscriptValue(_ base: PythonValue, _ index: PythonValue) throws -> PythonValue {
        switch (base, index) {
        case (.list(let items), .int(let position)), (.tuple(let items), .int(let position)):
            guard position < items.count else {
                throw EvaluationFailure(reason: "index \(position) is out of range for \(items.count) items")
            }
            return items[position]
        case (.object(let kind, let fields), .string(let key)):
            guard Self.modelledKeys[kind, default: []].contains(key) else {
                throw NotApplicable(reason: "\(kind)['\(key)'] is not a field the product uses")
            }
            guard let field = fields[key] else { throw EvaluationFailure(reason: "\(kind) has no '\(key)'") }
            return field
        default:
            throw EvaluationFailure(reason: "cannot subscript \(base) with \(index)")
        }
    }

    private func call(_ function: String, _ arguments: [PythonValue]) throws -> PythonValue {
        switch (function, arguments.first) {
        case ("len", .list(let items)?): return .int(items.count)
        case ("len", .string(let text)?), ("len", .text(let text, _)?): return .int(text.unicodeScalars.count)
        case ("ord", .text(let text, _)?), ("ord", .string(let text)?):
            guard text.unicodeScalars.count == 1 else {
                throw EvaluationFailure(reason: "ord() expected one character, got \(text.debugDescription)")
            }
            return .int(Int(text.unicodeScalars.first!.value))
        default:
            throw NotApplicable(reason: "the function \(function)() is not evaluated")
        }
    }

    private func compare(_ symbol: String, _ left: PythonValue, _ right: PythonValue) throws -> Bool {
        switch symbol {
        case "==": return try equal(left, right)
        case "!=": return try !equal(left, right)
        case "in":
            if case .object(let kind, let fields) = right, case .string(let key) = left {
                guard Self.modelledKeys[kind, default: []].contains(key) else {
                    throw NotApplicable(reason: "\(kind)['\(key)'] is not a field the product uses")
                }
                return fields[key] != nil
            }
            if case .list(let items) = right { return try items.contains { try equal(left, $0) } }
            if case .string(let needle) = left, case .text(let plain, let html) = right {
                return plain.contains(needle) || (html?.contains(needle) ?? false)
            }
            throw NotApplicable(reason: "the `in` operator on \(right) is not evaluated")
        default:
            throw NotApplicable(reason: "the operator \(symbol) is not evaluated")
        }
    }

    private func equal(_ left: PythonValue, _ right: PythonValue) throws -> Bool {
        switch (left, right) {
        case (.text(let plain, let html), .string(let expected)), (.string(let expected), .text(let plain, let html)):
            return Self.textMatches(expected: expected, plain: plain, html: html)
        case (.string(let a), .string(let b)): return a == b
        case (.text(let a, _), .text(let b, _)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.bool(let a), .int(let b)), (.int(let b), .bool(let a)): return (a ? 1 : 0) == b
        case (.object(let kind, let fields), .object("literal", let expected)),
            (.object("literal", let expected), .object(let kind, let fields)):
            for key in expected.keys where !Self.modelledKeys[kind, default: []].contains(key) {
                throw NotApplicable(reason: "\(kind)['\(key)'] is not a field the product uses")
            }
            guard Set(fields.keys) == Set(expected.keys) else { return false }
            return try expected.allSatisfy { key, value in try equal(fields[key]!, value) }
        case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            return try zip(a, b).allSatisfy { try equal($0, $1) }
        case (.format(let format), .string(let version)), (.string(let version), .format(let format)):
            let known: [String: FeedFormat] = [
                "rss090": .rss090, "rss092": .rss092, "rss10": .rss10, "rss20": .rss20, "atom03": .atom03,
                "atom10": .atom10, "json1": .json10, "json11": .json11,
            ]
            guard let expected = known[version] else {
                throw NotApplicable(reason: "FeedFormat has no case for feedparser's version '\(version)'")
            }
            return format == expected
        default:
            return false
        }
    }

    /// Compares an expected feedparser value with a product text field. Markup in the expectation is compared
    /// with the HTML form, both sides normalized by libxml2's HTML parser, so resolved URLs count. Otherwise, and
    /// for fields the product keeps as plain text only (titles), the expectation's text, with tags dropped and
    /// character references decoded, is compared with the plain form.
    static func textMatches(expected: String, plain: String, html: String?) -> Bool {
        if expected == plain || expected == html { return true }
        if expected.contains("<"), let html {
            return canonicalHTML(expected) == canonicalHTML(html)
        }
        return HTMLText.plainText(expected) == HTMLText.collapse(plain)
    }

    private static func canonicalHTML(_ html: String) -> String {
        guard let body = HTMLText.parseFragment(html) else { return html }
        return HTMLText.collapse(XHTMLWriter.serialize(body.children))
    }

    private func timeTuple(_ date: Date) -> PythonValue {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date) ?? 0
        let weekday = ((parts.weekday ?? 1) + 5) % 7  // Python counts Monday as 0, Foundation counts Sunday as 1.
        let values = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second].map { $0 ?? 0 }
        return .tuple((values + [weekday, dayOfYear, 0]).map { .int($0) })
    }

    private func truthy(_ value: PythonValue) -> Bool {
        switch value {
        case .bool(let flag): flag
        case .int(let number): number != 0
        case .string(let text): !text.isEmpty
        case .text(let plain, let html): !plain.isEmpty || !(html ?? "").isEmpty
        case .tuple(let items), .list(let items): !items.isEmpty
        case .format: true
        case .object(_, let fields): !fields.isEmpty
        }
    }
}
