import Foundation

/// Maps RSS 0.9x, 1.0 and 2.0 documents to `Feed`.
enum RSSReader {
    static func read(_ root: XMLElement) -> Feed {
        var feed = Feed(format: format(of: root))
        let channel = root.name == "channel" ? root : root.child("channel", in: Namespace.rss)
        var items: [XMLElement] = root.children("item", in: Namespace.rss)
        if let channel {
            feed.title =
                channel.child("title", in: Namespace.rss).map { TextConstruct.plainTitle($0.text) }
                ?? channel.child("title", in: [Namespace.dc]).map { TextConstruct.plainTitle($0.text) } ?? ""
            if let link = channel.child("link", in: Namespace.rss), !link.text.isEmpty {
                feed.link = URLResolver.resolve(link.text, against: link.base)
            } else if let link = AtomLinks.alternate(in: channel, namespaces: [Namespace.atom10]) {
                feed.link = link
            }
            if let about = channel.attribute("about", namespace: Namespace.rdf) { feed.id = about }
            items += channel.children("item", in: Namespace.rss)
        }
        feed.entries = items.map(entry)
        return feed
    }

    private static func format(of root: XMLElement) -> FeedFormat {
        if root.name == "RDF" {
            return root.declaredNamespaces.contains(Namespace.rss090)
                || root.elements.contains { $0.namespace == Namespace.rss090 }
                ? .rss090 : .rss10
        }
        let version = root.attribute("version") ?? ""
        if version.hasPrefix("2") { return .rss20 }
        switch version {
        case "0.90": return .rss090
        case "0.91": return .rss091
        case "0.92", "0.93", "0.94": return .rss092
        case "1.0": return .rss10
        default: return .unknown
        }
    }

    private static func entry(_ item: XMLElement) -> FeedEntry {
        var entry = FeedEntry()
        let rss = Namespace.rss
        if let title = item.child("title", in: rss) ?? item.child("title", in: [Namespace.dc])
            ?? item.child("title", in: Namespace.media)
        {
            entry.title = TextConstruct.plainTitle(title.text)
        }
        if let guid = item.child("guid", in: rss) {
            let value = guid.text.trimmingWhitespaceAndNewlines
            if !value.isEmpty { entry.id = value }
        } else if let about = item.attribute("about", namespace: Namespace.rdf), !about.isEmpty {
            entry.id = about
        } else if let identifier = item.child("identifier", in: [Namespace.dc]) {
            entry.id = identifier.text.trimmingWhitespaceAndNewlines
        }
        if let link = item.child("link", in: rss), !link.text.trimmingCharacters(in: .whitespaces).isEmpty {
            entry.link = URLResolver.resolve(link.text, against: link.base)
        } else if let link = AtomLinks.alternate(in: item, namespaces: [Namespace.atom10]) {
            entry.link = link
        } else if let guid = item.child("guid", in: rss), guid.attribute("isPermaLink")?.lowercased() != "false",
            let id = entry.id
        {
            // A permalink guid is the link. A path, such as "/posts/two/", is resolved against the feed's address,
            // as feedparser resolves it; another id without a scheme is no link.
            if URLResolver.hasScheme(id) {
                entry.link = id
            } else if id.hasPrefix("/") && !id.hasPrefix("//"), let base = guid.base {
                entry.link = URLResolver.resolve(id, against: base)
            }
        }
        let author =
            item.child("author", in: rss) ?? item.child("creator", in: [Namespace.dc])
            ?? item.child("author", in: Namespace.itunes) ?? item.child("author", in: [Namespace.dc])
        entry.author = author.map { HTMLText.collapse($0.text) } ?? ""

        let published =
            item.child("pubDate", in: rss) ?? item.child("issued", in: [Namespace.dcterms])
            ?? item.child("created", in: [Namespace.dcterms])
        entry.published = published.flatMap { FeedDate.parse($0.text) }
        let updated =
            item.lastChild("date", in: [Namespace.dc]) ?? item.child("modified", in: [Namespace.dcterms])
            ?? item.child("updated", in: [Namespace.atom10])
        entry.updated = updated.flatMap { FeedDate.parse($0.text) }

        // With both a plain `summary` and a `description`, feedparser reads the first as the summary and the
        // second as the content.
        let plainSummary = item.child("summary", in: [""])
        let plainDescription = item.child("description", in: rss)
        var summaryFirst = false
        if let plainSummary, let plainDescription {
            summaryFirst =
                item.elements.firstIndex { $0 === plainSummary }! < item.elements.firstIndex {
                    $0 === plainDescription
                }!
        }
        let description =
            (summaryFirst ? plainSummary : plainDescription) ?? plainSummary
            ?? item.child("summary", in: Namespace.itunes) ?? item.child("description", in: [Namespace.dc])
            ?? item.child("description", in: Namespace.media)
            ?? item.child("group", in: Namespace.media)?.child("description", in: Namespace.media)
        if let description {
            let text = TextConstruct.rss(description)
            entry.summary = text.plain
            entry.summaryHTML = text.html
        }
        let contentElement =
            item.child("encoded", in: [Namespace.content]) ?? item.child("fullitem", in: rss)
            ?? (summaryFirst ? plainDescription : (description !== plainSummary ? plainSummary : nil))
        if let encoded = contentElement {
            let text = TextConstruct.rss(encoded)
            entry.content = text.plain
            entry.contentHTML = text.html
        } else if let body = item.child("body", in: [Namespace.xhtml, ""]) {
            let html = TextConstruct.xhtml(body.children, base: body.base)
            entry.content = HTMLText.plainText(html)
            entry.contentHTML = html
        }
        let mediaCategories = ([item] + item.children("group", in: Namespace.media)).flatMap {
            $0.children("category", in: Namespace.media)
        }
        // A non-standard `tags` element lists categories separated by commas.
        let listed = item.children("tags", in: [""]).flatMap { $0.text.split(separator: ",").map(String.init) }
        let elements =
            item.children("category", in: rss) + item.children("subject", in: [Namespace.dc]) + mediaCategories
        let podcastCategories = item.children("category", in: Namespace.itunes).flatMap { category in
            [category] + category.children("category", in: Namespace.itunes)
        }.compactMap { $0.attribute("text") }
        entry.categories = (listed + elements.map(\.text) + podcastCategories).map { HTMLText.collapse($0) }
            .filter { !$0.isEmpty }
        entry.media = item.children("enclosure", in: rss).compactMap { enclosure in
            guard let url = enclosure.attribute("url"), !url.isEmpty else { return nil }
            return FeedMedia(
                url: URLResolver.resolve(url, against: enclosure.base), type: enclosure.attribute("type"),
                length: enclosure.attribute("length").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                medium: nil, role: .enclosure)
        }
        entry.media += AtomLinks.enclosures(in: item, namespaces: [Namespace.atom10])
        entry.media += MediaRSS.media(in: item)
        return entry
    }
}
