// libFuzzer entry for the content reader: front matter (YAML, TOML, JSON), the body split and the body's text.
// Built by scripts/fuzz against a copy of the Content module compiled with -sanitize=fuzzer.
import Content
import Foundation

private let root: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let path = (base as NSString).appendingPathComponent("planable-sync-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()
private let reader = ContentReader(root: root)
private let file = URL(fileURLWithPath: (root as NSString).appendingPathComponent("item.md"))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContentReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // The reader takes files, so each input is written to one file on tmpfs and read back.
    guard (try? Data(bytes: data, count: size).write(to: file)) != nil else { return 0 }
    // Only crashes, hangs and leaks count; a read error is an ordinary outcome.
    _ = try? reader.read(relativePath: "item.md")
    return 0
}
