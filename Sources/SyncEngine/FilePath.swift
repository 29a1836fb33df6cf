/// Returns the folder part of `path`, as `NSString.deletingLastPathComponent` does: "/tmp/a.md" gives "/tmp",
/// "/tmp" gives "/", and "a.md" gives "".
///
/// Foundation's own method crashes on a path of one character, such as a configuration file named "c" (seen with
/// the Foundation of Swift 6.3.1 on Linux), so the engine uses this one for every path it is given.
package func parentFolder(of path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard let slash = trimmed.lastIndex(of: "/") else { return "" }
    var folder = trimmed[..<slash]
    while folder.hasSuffix("/") { folder = folder.dropLast() }
    return folder.isEmpty ? "/" : String(folder)
}
