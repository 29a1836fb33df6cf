import Glibc

extension InotifyTree {
    /// Adds or refreshes the watch on the folder at `relative`; returns false (and records why) when it fails.
    func addWatch(_ relative: String) -> Bool {
        // The root may be a link (such as /srv/content pointing elsewhere), so only folders under it use IN_DONT_FOLLOW.
        let mask = relative.isEmpty ? Self.folderMask : Self.folderMask | UInt32(IN_DONT_FOLLOW)
        let watch = inotify_add_watch(descriptor, absolute(relative), mask)
        guard watch >= 0 else {
            let code = errno
            // A folder below the root that was removed or replaced by a file before the watch was added needs no
            // report, because its parent's watch reports the removal.
            if relative.isEmpty || (code != ENOENT && code != ENOTDIR) {
                errors.append(.systemCall("inotify_add_watch", path: relative, code: code))
            }
            return false
        }
        if let previous = paths[watch], previous != relative { descriptors[previous] = nil }
        paths[watch] = relative
        descriptors[relative] = watch
        return true
    }

    /// Forgets the watch the kernel removed (`IN_IGNORED`).
    func forget(_ watch: Int32) {
        if let path = paths.removeValue(forKey: watch), descriptors[path] == watch { descriptors[path] = nil }
    }

    /// Removes the watches on the folder at `relative` and on every folder under it.
    func removeWatches(under relative: String) {
        for (path, watch) in descriptors where Self.isSame(path, orUnder: relative) {
            inotify_rm_watch(descriptor, watch)
            descriptors[path] = nil
            paths[watch] = nil
        }
    }

    /// Moves the relative paths of the watches at and under `old` to `new`, after a rename inside the tree.
    func renameWatches(from old: String, to new: String) {
        for (path, watch) in descriptors where Self.isSame(path, orUnder: old) {
            let renamed = new + path.dropFirst(old.count)
            descriptors[path] = nil
            paths[watch] = renamed
        }
        for (watch, path) in paths where Self.isSame(path, orUnder: new) { descriptors[path] = watch }
    }

    /// Re-adds watches for the whole tree after the kernel dropped events, which may have hidden new folders and
    /// renames. Watches of folders that moved out of the tree meanwhile stay in the kernel, but their records are
    /// dropped because their descriptors are no longer known.
    func rebuildWatches() {
        let previous = paths
        paths.removeAll()
        descriptors.removeAll()
        addTree("", reportFiles: false)
        for watch in previous.keys where paths[watch] == nil { inotify_rm_watch(descriptor, watch) }
    }

    func absolute(_ relative: String) -> String {
        relative.isEmpty ? root : root + "/" + relative
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder + "/" + name
    }

    static func isSame(_ path: String, orUnder folder: String) -> Bool {
        folder.isEmpty || path == folder || (path.hasPrefix(folder) && path.dropFirst(folder.count).first == "/")
    }

    /// Lists the names in a folder, with whether each is a folder. Links are not followed, so a link to a folder
    /// counts as a file. Returns nothing when the folder cannot be opened.
    static func entries(of path: String) -> [(name: String, isFolder: Bool)] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var entries: [(name: String, isFolder: Bool)] = []
        // glibc packs entries to their own length, so copying `entry.pointee` whole can read past the end of its
        // buffer and crash. That is why the fields are read in place.
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type)!
        while let entry = readdir(directory) {
            let raw = UnsafeRawPointer(entry)
            let name = String(cString: (raw + nameOffset).assumingMemoryBound(to: CChar.self))
            if name == "." || name == ".." { continue }
            let type = Int32(raw.load(fromByteOffset: typeOffset, as: UInt8.self))
            var isFolder = type == DT_DIR
            if type == DT_UNKNOWN {
                var status = stat()
                isFolder = lstat(path + "/" + name, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
            } else if type != DT_REG && type != DT_LNK && !isFolder {
                continue  // sockets, pipes and devices are never content
            }
            entries.append((name, isFolder))
        }
        return entries
    }
}
