import CCmark

#if canImport(Glibc)
    import Glibc
#endif

/// The HTML reference page served at /api/v1/docs, generated from the OpenAPI document.
enum DocumentationPage {
    static func html(_ document: OpenAPIDocument) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Planable Public API v1 (reference server)</title>
            <style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
            code,pre{background:#f4f4f4;padding:.1rem .3rem}h2{border-top:1px solid #ddd;padding-top:1rem}
            .method{font-weight:bold;text-transform:uppercase}table{border-collapse:collapse}
            td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}</style></head><body>
            """
        let info = document.root["info"]
        html +=
            "<h1>\(escape(info?["title"]?.stringValue ?? "API")) \(escape(info?["version"]?.stringValue ?? ""))</h1>"
        html += markdown(info?["description"]?.stringValue ?? "")
        html += "<p>Every operation takes <code>Authorization: Bearer pln_...</code>; this page and the document "
        html += "need none. "
        html += "The machine-readable document is at <a href=\"openapi.json\">openapi.json</a>.</p><ul>"
        for operation in document.operations {
            html += "<li><a href=\"#\(anchor(operation))\"><span class=\"method\">\(operation.method)</span> "
            html += "\(escape(operation.template))</a> \(escape(operation.summary))</li>"
        }
        html += "</ul>"
        for operation in document.operations {
            html += "<h2 id=\"\(anchor(operation))\"><span class=\"method\">\(operation.method)</span> "
            html += "<code>\(escape(operation.template))</code></h2>"
            html +=
                "<p><strong>\(escape(operation.summary))</strong> (scope: \(operation.requiresWrite ? "write" : "read"))</p>"
            html += markdown(operation.description)
            if !operation.parameters.isEmpty {
                html += "<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th></tr>"
                for parameter in operation.parameters {
                    html += "<tr><td><code>\(escape(parameter.name))</code></td><td>\(parameter.location.rawValue)</td>"
                    html +=
                        "<td>\(escape(schemaSummary(parameter.schema)))</td><td>\(parameter.required ? "yes" : "no")</td></tr>"
                }
                html += "</table>"
            }
            if let body = operation.bodySchema {
                let required = Set(body["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                html += "<p>JSON body:</p><table><tr><th>field</th><th>type</th><th>required</th></tr>"
                for (name, schema) in body["properties"]?.objectValue ?? [] {
                    html += "<tr><td><code>\(escape(name))</code></td><td>\(escape(schemaSummary(schema)))</td>"
                    html += "<td>\(required.contains(name) ? "yes" : "no")</td></tr>"
                }
                html += "</table>"
            }
            html += "<p>Responses: \(operation.statusCodes.map { "<code>\($0)</code>" }.joined(separator: " "))</p>"
        }
        return html + "</body></html>\n"
    }

    private static func anchor(_ operation: OpenAPIOperation) -> String {
        (operation.method + operation.template).lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }
            .joined()
    }

    private static func schemaSummary(_ schema: JSONValue) -> String {
        if let options = schema["anyOf"]?.arrayValue { return options.map(schemaSummary).joined(separator: " | ") }
        var text =
            schema["type"]?.stringValue ?? schema["type"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "|")
            ?? "any"
        if text == "array", let items = schema["items"] { text = "array of " + schemaSummary(items) }
        if let format = schema["format"]?.stringValue { text += " (\(format))" }
        if let values = schema["enum"]?.arrayValue {
            text += ": " + values.map(\.serializedString).joined(separator: ", ")
        }
        return text
    }

    /// Renders a description, which the document writes in CommonMark, as HTML, leaving out raw HTML so that the
    /// document's text cannot add markup of its own. The installed cmark-gfm does that unless given
    /// `CMARK_OPT_UNSAFE`, and its header keeps `CMARK_OPT_SAFE` for older versions, which needed it.
    static func markdown(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        let bytes = Array(text.utf8)
        guard let rendered = cmark_markdown_to_html(bytes.map { CChar(bitPattern: $0) }, bytes.count, CMARK_OPT_SAFE)
        else { return "<p>\(escape(text))</p>" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
