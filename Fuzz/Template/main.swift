// libFuzzer entry for the template engine: parses the input as a Mustache template and renders it.
// Built by scripts/fuzz against a copy of the Templates module compiled with -sanitize=fuzzer.
import Templates

private let context: TemplateValue = [
    "title": "A title with <b>markup</b> & {{tags}}",
    "summary": "", "count": 3, "draft": false, "missing": nil,
    "tags": ["swift", "linux", "{{title}}"],
    "date": ["year": 2026, "month": "12", "day": "04"],
    "items": [["name": "one", "items": ["a", "b"]], ["name": "two", "items": []]],
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // Only crashes, hangs and leaks count; a template error is an ordinary outcome.
    guard let template = try? Template(name: "fuzz", source: source) else { return 0 }
    _ = try? template.render(context, mode: .postText)
    _ = try? template.render(context, mode: .spec)
    return 0
}
