/// A change under a watched root, as `DirectoryWatcher` delivers it after debouncing.
package struct WatchEvent: Sendable, Hashable, CustomStringConvertible {
    package enum Kind: Sendable, Hashable {
        /// The file was created, written or moved into the tree.
        case changed
        /// The file or folder is gone: deleted, or moved out of the tree or to an ignored name. When `path` names a
        /// folder, everything that was under it is gone too.
        case removed
        /// The file was moved within the tree from `from`, also a path relative to the root. The destination may
        /// have existed before and was replaced. A consumer that does not know `from` treats this as `.changed`.
        case renamed(from: String)
        /// The kernel dropped events (its queue overflowed), or the root itself was moved, removed or unmounted, so
        /// the consumer must rescan the whole root. `path` is empty. After a root change, the watcher reports
        /// nothing more until it is started again.
        case overflow
    }

    /// The path relative to the watched root, with forward slashes and no leading `/`.
    package var path: String
    package var kind: Kind

    package init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    package static let overflow = WatchEvent(path: "", kind: .overflow)

    package var description: String {
        switch kind {
        case .changed: "changed \(path)"
        case .removed: "removed \(path)"
        case .renamed(let from): "renamed \(from) -> \(path)"
        case .overflow: "overflow"
        }
    }
}

/// The names the watcher never reports and whose folders it never enters: hidden files and the temporary files that
/// editors write while saving.
package enum WatchNameFilter {
    /// Returns true for dotfiles, which include Emacs lock files `.#name` and Vim swap files `.name.swp`. Also true
    /// for backups ending in `~`, names ending in `.swp`, `.swx` or `.tmp`, and Emacs auto-save files `#name#`. And
    /// true for `4913`, the file Vim creates to test whether it may write to a folder.
    package static func isIgnored(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") || name == "4913" { return true }
        if name.hasSuffix(".swp") || name.hasSuffix(".swx") || name.hasSuffix(".tmp") { return true }
        return name.count > 1 && name.hasPrefix("#") && name.hasSuffix("#")
    }
}
