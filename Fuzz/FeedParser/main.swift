// libFuzzer entry for the feed parser: RSS, Atom and JSON Feed, with encoding detection.
// Built by scripts/fuzz against a copy of the Feeds module compiled with -sanitize=fuzzer.
import Feeds

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFeedParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Only crashes, hangs and leaks count; a parse error is an ordinary outcome.
    _ = try? FeedParser.parse(bytes, url: "https://feeds.example/feed.xml", contentType: nil)
    return 0
}
