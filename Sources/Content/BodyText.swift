/// The plain text of a body, from Markdown or, for `.html` files, from HTML.
struct BodyText {
    var blocks: [String]
    var links: [String]
    var images: [ShortcodeMedia]
    /// The HTML `<title>`, or the first Markdown heading.
    var title: String?
    /// The first paragraph, or the HTML `<meta name="description">`.
    var excerpt: String?
    /// The HTML `<meta name="date">` or `article:published_time`.
    var date: String?
    /// Whether the HTML that the body gives libxml2's parser has markup that `HTMLMarkupScan` rejects: the whole
    /// body of an HTML file, or the raw HTML blocks and tags of a Markdown file. Such HTML is not parsed.
    var exceedsHTMLLimits = false

    init(_ text: String, isHTML: Bool, keepCode: Bool) {
        if isHTML {
            let html = HTMLText(html: text, keepCode: keepCode)
            exceedsHTMLLimits = html.exceedsLimits
            blocks = html.blocks
            links = html.links
            images = html.images
            title = html.title.flatMap { $0.isEmpty ? nil : $0 } ?? html.firstHeading
            excerpt = html.description ?? html.blocks.first
            date = html.date
        } else {
            let markdown = MarkdownText(markdown: text, keepCode: keepCode)
            blocks = markdown.blocks
            links = markdown.links
            images = markdown.images
            title = markdown.firstHeading
            excerpt = markdown.firstParagraph ?? markdown.blocks.first
            date = nil
            exceedsHTMLLimits = markdown.exceedsHTMLLimits
        }
    }
}
