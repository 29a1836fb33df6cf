import Feeds
import Foundation

// feed-bench FOLDER...: parses every .xml and .json file under the folders, for the feed-parse benchmark, and
// prints how many files were parsed, ill-formed and rejected, so a run can be checked.
// feed-bench inspect PATH_OR_URL [--format json|text]: the same as `planable-sync feed inspect`.

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "inspect" {
    exit(runFeedInspectCommand(arguments: Array(arguments.dropFirst())))
}
guard !arguments.isEmpty else {
    FileHandle.standardError.write(Data("usage: feed-bench FOLDER... | feed-bench inspect PATH_OR_URL\n".utf8))
    exit(64)
}
var parsed = 0
var illFormed = 0
var failed = 0
for folder in arguments {
    let root = URL(fileURLWithPath: folder)
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
    for case let file as URL in walker where ["xml", "json"].contains(file.pathExtension) {
        guard let data = FileManager.default.contents(atPath: file.path) else { continue }
        do {
            let feed = try FeedParser.parse(Array(data), url: file.absoluteString, contentType: nil)
            parsed += 1
            if feed.isIllFormed { illFormed += 1 }
        } catch {
            failed += 1
        }
    }
}
print("parsed \(parsed) files, \(illFormed) ill-formed, \(failed) rejected")
