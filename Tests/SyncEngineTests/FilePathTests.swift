import Foundation
import Testing

@testable import SyncEngine

@Suite struct FilePathTests {
    @Test(arguments: [
        ("/tmp/a.md", "/tmp"), ("/tmp/lock/", "/tmp"), ("/tmp/", "/"), ("/tmp", "/"), ("/", "/"), ("a.md", ""),
        ("c", ""), ("x/c", "x"), ("x//c", "x"), ("", ""),
    ])
    func parentFolderMatchesFoundation(path: String, folder: String) {
        #expect(parentFolder(of: path) == folder)
        // Foundation's method crashes on one-character paths, so it is compared on the longer ones only.
        if path.count > 1 { #expect(parentFolder(of: path) == (path as NSString).deletingLastPathComponent) }
    }
}
