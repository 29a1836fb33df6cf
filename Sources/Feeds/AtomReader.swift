import Foundation

/// Maps Atom 0.3 and 1.0 documents to `Feed`.
enum AtomReader {
    static func read(_ root: XMLElement) -> Feed {
        let isAtom03 =
            root.namespace == Namespace.atom03 || (root.namespace.isEmpty && root.attribute("version") == "0.3")
        let format: FeedFormat = root.namespace == Namespace.atom10 ? .atom10 : (isAtom03 ? .atom03 : .unknown)
        let atom: Set<String> = [root.namespace, ""]
        var feed = Feed(format: format)
        if let title = root.child("title", in: atom) { feed.title = TextConstruct.atom(title).plain }
        feed.link = AtomLinks.alternate(in: root, namespaces: atom) ?? ""
        if let id = root.child("id", in: atom) { feed.id = resolvedID(id) }
        // feedparser also reads `item` elements in an Atom feed as entries.
        feed.entries = root.elements.filter { ($0.name == "entry" || $0.name == "item") && atom.contains($0.namespace) }
            .map { entry($0, atom: atom) }
        return feed
    }

    private static func entry(_ element: XMLElement, atom: Set<String>) -> FeedEntry {
        var entry = FeedEntry()
        if let title = element.child("title", in: atom) { entry.title = TextConstruct.atom(title).plain }
        if let id = element.child("id", in: atom), !id.text.trimmedWhitespace.isEmpty { entry.id = resolvedID(id) }
        entry.link = AtomLinks.alternate(in: element, namespaces: atom) ?? ""
        if let author = element.child("author", in: atom) {
            let name = author.child("name", in: atom).map { HTMLText.collapse($0.text) } ?? ""
            let email = author.child("email", in: atom).map { HTMLText.collapse($0.text) } ?? ""
            entry.author = name.isEmpty ? email : (email.isEmpty ? name : "\(name) (\(email))")
        } else if let creator = element.child("creator", in: [Namespace.dc]) {
            entry.author = HTMLText.collapse(creator.text)
        }
        let published =
            element.child("published", in: atom) ?? element.child("issued", in: atom)
            ?? element.child("created", in: atom)
        entry.published = published.flatMap { FeedDate.parse($0.text) }
        let updated =
            element.lastChild("updated", in: atom) ?? element.lastChild("modified", in: atom)
            ?? element.child("date", in: [Namespace.dc])
        entry.updated = updated.flatMap { FeedDate.parse($0.text) }
        if let summary = element.child("summary", in: atom) {
            let value = TextConstruct.atom(summary)
            entry.summary = value.plain
            entry.summaryHTML = value.html
        }
        if let content = element.child("content", in: atom) {
            if let source = content.attribute("src") {
                entry.media.append(
                    FeedMedia(
                        url: URLResolver.resolve(source, against: content.base), type: content.attribute("type"),
                        role: .content))
            } else {
                let value = TextConstruct.atom(content)
                entry.content = value.plain
                entry.contentHTML = value.html
            }
        }
        entry.categories =
            element.children("category", in: atom).compactMap {
                let term = $0.attribute("term") ?? $0.attribute("label") ?? $0.text
                let trimmed = HTMLText.collapse(term)
                return trimmed.isEmpty ? nil : trimmed
            } + element.children("subject", in: [Namespace.dc]).map { HTMLText.collapse($0.text) }
        // A YouTube entry has its text only in Media RSS's description, which RSS items fall back to as well.
        if entry.summary.isEmpty && entry.content.isEmpty,
            let description = element.child("description", in: Namespace.media)
                ?? element.child("group", in: Namespace.media)?.child("description", in: Namespace.media)
        {
            let text = TextConstruct.mediaDescription(description)
            entry.summary = text.plain
            entry.summaryHTML = text.html
        }
        entry.media += AtomLinks.enclosures(in: element, namespaces: atom)
        entry.media += MediaRSS.media(in: element)
        return entry
    }

    /// Reads an id, resolved against the element's base when it is a relative reference, as feedparser resolves it.
    private static func resolvedID(_ element: XMLElement) -> String {
        let value = element.text.trimmedWhitespace
        guard value.hasPrefix("/") || value.hasPrefix("."), element.base != nil else { return value }
        return URLResolver.resolve(value, against: element.base)
    }
}
