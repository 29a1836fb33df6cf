import Networks

/// Renders a plan as one self-contained HTML page: summary counts, then each item with a card per post
/// drawn to look like a post on its network.
///
/// The page has inline CSS only. It loads no image, font or script, and shows media as labelled tiles
/// that link to their URLs. Each item section uses `content-visibility: auto`, so a browser lays out
/// only the items on screen and a plan of thousands of items opens quickly.
package enum PlanHTMLRenderer {
    /// Returns the HTML page for `plan`.
    package static func render(_ plan: PreviewPlan) -> String {
        var html = ""
        html.reserveCapacity(4096 + plan.items.count * 1500)
        html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<title>\(escape(plan.title))</title>\n<style>\n\(PlanStyleSheet.css)</style>\n</head>\n<body>\n"
        appendSummary(plan, to: &html)
        html += "<main>\n"
        for (index, item) in plan.items.enumerated() {
            appendItem(item, number: index + 1, to: &html)
        }
        let listedUnchanged = plan.items.filter { $0.decision == .unchanged }.count
        let unlistedUnchanged = plan.summary.unchanged - listedUnchanged
        if plan.items.isEmpty && plan.summary.total == 0 {
            html += "<p class=\"empty\">No source items were found.</p>\n"
        } else if unlistedUnchanged > 0 {
            let noun = unlistedUnchanged == 1 ? "unchanged item is" : "unchanged items are"
            html += "<p class=\"empty\">\(unlistedUnchanged) \(noun) counted above but not listed.</p>\n"
        }
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    private static func appendSummary(_ plan: PreviewPlan, to html: inout String) {
        let summary = plan.summary
        // A plan sends no write, so the counts of writes read as what the sync would do, as in the text plan.
        var counts: [(String, Int, String)] = [
            ("would create", summary.created, "create"), ("would update", summary.updated, "update"),
            ("would delete", summary.deleted, "delete"), ("unchanged", summary.unchanged, "unchanged"),
            ("skipped", summary.skipped, "skip"), ("failed", summary.failed, "failed"),
            ("blocked", summary.blocked, "blocked"),
        ]
        // Only feed sources baseline entries, so the page shows the count only when it is above 0, as the text plan
        // does.
        if summary.baselined > 0 { counts.append(("baselined", summary.baselined, "baselined")) }
        // Items leave a folder source rarely, so the page shows their count only when it is above 0, as the text
        // plan does.
        if summary.removed > 0 { counts.append(("removed", summary.removed, "removed")) }
        html += "<header class=\"top\">\n<h1>\(escape(plan.title))</h1>\n"
        let total = summary.total
        html += "<p class=\"meta\">Plan made \(escape(plan.generatedAt)) · \(total) \(total == 1 ? "item" : "items")"
        html += " · \(requestSummary(plan.requests))</p>\n"
        html += "<ul class=\"summary\">\n"
        for (label, count, decision) in counts {
            html += "<li class=\"count d-\(decision)\"><span class=\"n\">\(count)</span> \(label)</li>\n"
        }
        html += "</ul>\n</header>\n"
    }

    /// Describes the requests a plan sent, such as "2 read requests · no write was sent".
    static func requestSummary(_ requests: PreviewPlan.Requests) -> String {
        if requests.read == 0 && requests.write == 0 { return "no request was sent" }
        let reads = "\(requests.read) read \(requests.read == 1 ? "request" : "requests")"
        if requests.write == 0 { return "\(reads) · no write was sent" }
        return "\(reads) · \(requests.write) write \(requests.write == 1 ? "request" : "requests")"
    }

    private static func appendItem(_ item: PreviewPlan.Item, number: Int, to html: inout String) {
        html += "<section class=\"item d-\(item.decision.rawValue)\" id=\"item-\(number)\">\n"
        html += "<div class=\"item-head\"><span class=\"badge\">\(item.decision.rawValue)</span>"
        html += "<h2>\(escape(item.title))</h2><code>\(escape(item.identity))</code></div>\n"
        if let error = item.error {
            // Only an item that would not be sent gets the error colours. Others carry a note, such as why an
            // item is skipped or what happens to a removed item's posts.
            let kind = item.decision == .failed || item.decision == .blocked ? "error" : "message"
            html += "<p class=\"\(kind)\">\(escape(error))</p>\n"
        }
        if !item.posts.isEmpty {
            html += "<div class=\"cards\">\n"
            for post in item.posts {
                appendCard(post, to: &html)
            }
            html += "</div>\n"
        }
        html += "</section>\n"
    }

    private static func appendCard(_ post: PreviewPlan.Post, to html: inout String) {
        let presentation = NetworkCatalog.presentation(for: post.network)
        let networkClass = Network.known.contains(post.network) ? post.network.platform : "other"
        let initial = post.pageName.first.map { escape(String($0).uppercased()) } ?? "?"
        html += "<article class=\"card n-\(networkClass)\" style=\"--brand:\(presentation.brandColor);"
        html += "--on-brand:\(presentation.textOnBrandColor)\">\n"
        html += "<header class=\"card-head\"><span class=\"avatar\">\(initial)</span>"
        html += "<span class=\"who\"><strong>\(escape(post.pageName))</strong>"
        html += "<span class=\"sub\">\(escape(handle(for: post))) · draft</span></span>"
        html += "<span class=\"net\">\(escape(presentation.displayName))</span></header>\n"

        let mediaFirst: Set<Network> = [.instagram, .pinterest, .youtube, .tiktok]
        if mediaFirst.contains(post.network) {
            appendMedia(post.mediaURLs, to: &html)
            html += "<p class=\"text\">\(escape(post.text))</p>\n"
        } else {
            html += "<p class=\"text\">\(escape(post.text))</p>\n"
            appendMedia(post.mediaURLs, to: &html)
        }
        html += "<footer class=\"actions\">"
        for action in presentation.actions {
            html += "<span>\(escape(action))</span>"
        }
        html += "</footer>\n"

        appendMeter(post, to: &html)
        if !post.details.isEmpty {
            html += "<p class=\"details\">\(post.details.map(escape).joined(separator: " · "))</p>\n"
        }
        appendFields(post.fields, to: &html)
        if !post.warnings.isEmpty {
            html += "<ul class=\"warnings\">"
            for warning in post.warnings {
                html += "<li>\(escape(warning))</li>"
            }
            html += "</ul>\n"
        }
        html += "</article>\n"
    }

    private static func appendFields(_ fields: [PreviewPlan.Field], to html: inout String) {
        guard !fields.isEmpty else { return }
        html += "<dl class=\"fields\">"
        for field in fields {
            html += "<dt>\(escape(field.label))"
            if let note = field.note { html += " <span class=\"note\">(\(escape(note)))</span>" }
            html += "</dt><dd>\(escape(field.value))</dd>"
        }
        html += "</dl>\n"
    }

    private static func handle(for post: PreviewPlan.Post) -> String {
        switch post.network {
        case .x, .threads, .instagram, .tiktok:
            let letters = post.pageName.lowercased().filter { $0.isLetter || $0.isNumber }
            return "@" + (letters.isEmpty ? "page" : letters)
        default:
            return NetworkCatalog.presentation(for: post.network).displayName
        }
    }

    private static func appendMedia(_ urls: [String], to html: inout String) {
        guard !urls.isEmpty else { return }
        html += "<div class=\"media m\(min(urls.count, 4))\">"
        for (index, url) in urls.enumerated() {
            if index == 4 {
                html += "<span class=\"tile more\">+\(urls.count - 4)</span>"
                break
            }
            let kind = mediaKindLabel(url)
            html += "<a class=\"tile k-\(kind)\" href=\"\(escape(url))\"><span class=\"kind\">\(kind)</span>"
            html += "<span class=\"file\">\(escape(fileName(url)))</span></a>"
        }
        html += "</div>\n"
    }

    private static func appendMeter(_ post: PreviewPlan.Post, to html: inout String) {
        guard let limit = post.limit else {
            html += "<p class=\"meter\">\(post.characterCount) characters · no limit known</p>\n"
            return
        }
        let over = post.characterCount > limit
        let percent = limit > 0 ? min(100, post.characterCount * 100 / limit) : 100
        html +=
            "<p class=\"meter\(over ? " over" : "")\"><span class=\"bar\"><span style=\"width:\(percent)%\"></span></span>"
        html += "\(post.characterCount) / \(limit)"
        if over { html += " · \(post.characterCount - limit) over the limit" }
        html += "</p>\n"
    }

    /// Guesses a medium's kind from its URL's extension, for the tile label only.
    private static func mediaKindLabel(_ url: String) -> String {
        let path = url.split(separator: "?").first.map(String.init) ?? url
        let fileExtension = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch fileExtension {
        case "mp4", "mov", "m4v", "webm", "avi": return "video"
        case "pdf", "ppt", "pptx", "doc", "docx", "key": return "document"
        default: return "image"
        }
    }

    private static func fileName(_ url: String) -> String {
        let path = url.split(separator: "?").first.map(String.init) ?? url
        return path.split(separator: "/").last.map(String.init) ?? url
    }

    /// Escapes text for HTML element content and double-quoted attribute values.
    static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" }) else {
            return text
        }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
