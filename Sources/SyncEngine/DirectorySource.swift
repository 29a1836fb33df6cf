import Content
import Foundation

/// A folder of Markdown and HTML files with front matter.
///
/// A file whose size and modification time match the state, synced under the same mapping, is not read again:
/// a rescan of an unchanged tree costs one `stat` per file.
package struct DirectorySource: ItemSource {
    package let name: String
    let root: String
    let include: [String]
    let exclude: [String]
    /// The fingerprint of the mapping settings; a change makes every file count as changed.
    let mappingFingerprint: String
    /// Whether a scan that finds no file may remove every item of the source (`allow_empty`).
    let allowsEmpty: Bool
    /// The paths, relative to the root, that a watcher reported as changed, removed or renamed; nil scans the whole
    /// tree. A path may name a folder, which stands for everything under it.
    package var onlyPaths: Set<String>?
    /// The folders of earlier sources in the configuration that contain this source's folder or lie inside it. A
    /// file that one of them reads is left to it and fails here, so that it gets no second post.
    package var earlierFolders: [SourceOverlap.EarlierFolder] = []

    package init(
        name: String, root: String, include: [String], exclude: [String], mappingFingerprint: String,
        allowsEmpty: Bool = false
    ) {
        self.name = name
        self.root = root
        self.include = include
        self.exclude = exclude
        self.mappingFingerprint = mappingFingerprint
        self.allowsEmpty = allowsEmpty
    }

    package func scan(state: StateStore, timeZone: TimeZone) -> SourceScan {
        var result = SourceScan()
        // A partial scan checks that the folder exists too, so its scope includes the folder's own row.
        result.readFailureScope = onlyPaths.map { .locations($0.union([root])) } ?? .wholeSource
        switch FolderAccess.of(root) {
        case .readable:
            break
        case .missing:
            result.errors.append(
                SourceError(
                    source: name, identity: nil,
                    message:
                        "source \"\(name)\": folder \(root) does not exist; if it was moved or is a share that is "
                        + "not mounted, put it back, or else fix \"path\" in the configuration. Nothing was removed",
                    isDataError: false, location: root))
            return result
        case .unreadable(let reason):
            // A folder that cannot be listed would look empty, so the scan stops here, as for a missing folder,
            // and removes nothing.
            let user = FolderAccess.userName
            result.errors.append(
                SourceError(
                    source: name, identity: nil,
                    message: "source \"\(name)\": user \(user) cannot read folder \(root) (\(reason)); "
                        + "\(FolderAccess.fix(user: user)). Nothing was removed",
                    isDataError: false, location: root))
            return result
        }
        let (files, errors) =
            onlyPaths.map(statFiles) ?? DirectoryScanner(root: root, include: include, exclude: exclude).scan()
        for error in errors {
            result.errors.append(SourceError(source: name, identity: error.path, message: "\(name): \(error)"))
        }
        if let emptyFolder = emptyFolderError(files: files, unreadPaths: errors.map(\.path), state: state) {
            result.errors.append(emptyFolder)
            return result
        }

        // A file left to an earlier source stays in `present` below, so that an item of this source that an
        // earlier version synced from it is neither removed nor has its drafts deleted.
        let (ownFiles, sharedErrors) = leaveSharedFiles(files)
        result.errors += sharedErrors
        let records = (try? onlyPaths.map { try state.items(source: name, at: $0) } ?? state.items(source: name)) ?? []
        let known = Dictionary(records.map { ($0.identity, $0) }, uniquingKeysWith: { first, _ in first })
        let knownByLocation = Dictionary(
            records.compactMap { record in record.location.map { ($0, record) } },
            uniquingKeysWith: { first, _ in first })
        let fingerprintMatches = (try? state.mappingFingerprint(source: name)) == mappingFingerprint
        var options = ContentReaderOptions()
        options.timeZone = timeZone
        let reader = ContentReader(root: root, options: options)
        if let problem = reader.siteTimeZoneProblem { result.warnings.append("source \"\(name)\": \(problem)") }
        var present = Set(files.map(\.relativePath))
        // A file under a folder or path that the scan could not read may still exist, so it is not removed.
        let unreadPaths = errors.map(\.path)
        result.missedPaths = !unreadPaths.isEmpty
        result.removedIdentities = known.values
            .filter { record in
                guard let location = record.location, !present.contains(location),
                    !Self.isUnder(location, anyOf: unreadPaths)
                else {
                    return false
                }
                guard let onlyPaths else { return true }
                // A partial scan only knows about the paths it was given and what lies under them.
                return onlyPaths.contains(location) || onlyPaths.contains { location.hasPrefix($0 + "/") }
            }
            .map(\.identity).sorted()
        read(
            ownFiles, into: &result, knownByLocation: knownByLocation, fingerprintMatches: fingerprintMatches,
            reader: reader)
        if onlyPaths != nil {
            let claimants = readClaimants(in: &result, known: known, present: present, reader: reader, state: state)
            present.formUnion(claimants)
        }
        rejectDuplicateIdentities(in: &result, known: known, present: present, unreadPaths: unreadPaths, state: state)
        // A file moved with its front matter id keeps its item: the id is read at the new path, so it is not
        // removed, and its drafts are not deleted and created again.
        let readIdentities = Set(result.items.map(\.identity))
        result.removedIdentities.removeAll { readIdentities.contains($0) }
        resolveNewIdentitiesOfKnownFiles(&result, records: records, readIdentities: readIdentities, state: state)
        // An item that a run linked to the post of an interrupted create, before any scan read its file, has no
        // location. A full scan that read every file without a failure and met no file with its id removes it.
        // NOTE: a skipped file counts by its path, not its front matter id, and any failed file in the folder
        // keeps such an item pending until the failure is fixed.
        if onlyPaths == nil && result.errors.isEmpty {
            let seen = readIdentities.union(result.unchangedIdentities).union(result.skipped.map(\.identity))
            result.removedIdentities += known.values
                .filter { $0.location == nil && $0.status != "removed" && !seen.contains($0.identity) }
                .map(\.identity).sorted()
        }
        return result
    }

    /// Handles the items read at a path whose record has another identity, as after a front matter id was added,
    /// changed or removed. Left alone, that record would stay forever, since its file still exists.
    ///
    /// When the text is as before and the state has no record of the new identity, the record and its posts move
    /// to the new identity. Otherwise the earlier item is removed, as if its file had been replaced, and the item read
    /// there is new, returns under an identity the state has, or is matched as a rename by its text. A copy read in
    /// this scan with the old id takes that id over instead, as when the file is gone.
    func resolveNewIdentitiesOfKnownFiles(
        _ result: inout SourceScan, records: [ItemRecord], readIdentities: Set<String>, state: StateStore
    ) {
        var recordsByLocation: [String: [ItemRecord]] = [:]
        for record in records where record.status != "removed" {
            if let location = record.location { recordsByLocation[location, default: []].append(record) }
        }
        var movedTo = Set<String>()
        for item in result.items {
            for record in recordsByLocation[item.location] ?? []
            where record.identity != item.identity && !readIdentities.contains(record.identity)
                && !result.removedIdentities.contains(record.identity)
            {
                let sameText = record.bodyHash.map { $0 == item.bodyHash || $0 == item.earlierBodyHash } ?? false
                let isNewIdentity =
                    !movedTo.contains(item.identity)
                    && (try? state.hasItem(source: name, identity: item.identity)) == false
                if sameText && isNewIdentity {
                    movedTo.insert(item.identity)
                    result.identityChanges.append(
                        IdentityChange(
                            identity: item.identity, previousIdentity: record.identity,
                            evidence: "its file \(item.location)", isRoutine: false))
                } else {
                    result.removedIdentities.append(record.identity)
                }
            }
        }
    }

    /// Splits `files` into those this source reads and an error for each file that an earlier source in
    /// `earlierFolders` reads, which names both sources and what to change.
    ///
    /// NOTE: a file is compared by the real path of the source's folder and its path from there, so a file that
    /// one source reaches through a symbolic link inside its folder is not matched. A file under a folder that the
    /// earlier source excludes, which it reaches through a link that it does not exclude, gets a post from each.
    func leaveSharedFiles(_ files: [ScannedFile]) -> (own: [ScannedFile], errors: [SourceError]) {
        guard !earlierFolders.isEmpty else { return (files, []) }
        let realRoot = SourceOverlap.realFolder(root)
        var own: [ScannedFile] = []
        var errors: [SourceError] = []
        for file in files {
            let realPath = (realRoot == "/" ? "" : realRoot) + "/" + file.relativePath
            guard let earlier = earlierFolders.first(where: { $0.reads(realPath) }) else {
                own.append(file)
                continue
            }
            let message =
                "source \"\(name)\": file \(realPath) is also read by source \"\(earlier.source)\", which comes first in "
                + "the configuration, so \"\(name)\" does not post it, and any posts it has of the file are kept; "
                + "to post the file once, leave it out of one of the two sources with exclude or include, or "
                + "remove one source"
            errors.append(SourceError(source: name, identity: file.relativePath, message: message))
        }
        return (own, errors)
    }

    /// Tells whether `location` is one of `paths` or lies under one of them; `.` stands for the whole source.
    static func isUnder(_ location: String, anyOf paths: [String]) -> Bool {
        paths.contains { $0 == "." || $0 == location || location.hasPrefix($0 + "/") }
    }

    /// Returns the words of a duplicate id's error that name the id, which a later partial scan searches for.
    static func duplicateMarker(_ identity: String) -> String {
        "its id \"\(identity)\" is also the id of "
    }

    /// Fails each item whose identity, a front matter `id`, another file in the folder already has, so that two
    /// files never take turns updating one post. The file that the state already links to the identity keeps it,
    /// else the first path in sorted order.
    func rejectDuplicateIdentities(
        in result: inout SourceScan, known: [String: ItemRecord], present: Set<String>, unreadPaths: [String],
        state: StateStore
    ) {
        // A rescan that read no file, the common case for a large unchanged folder, has nothing to check.
        guard !result.items.isEmpty else { return }
        let readIdentities = Dictionary(
            result.items.map { ($0.location, $0.identity) }, uniquingKeysWith: { first, _ in first })
        func isOlder(_ first: ItemRecord, _ second: ItemRecord) -> Bool {
            (first.updatedAt ?? "") < (second.updatedAt ?? "")
        }
        // Only the locations that the read identities' rows name are looked up below.
        let candidateLocations = Set(result.items.compactMap { known[$0.identity]?.location })
        let newestByLocation = Dictionary(
            known.values.compactMap { record in
                record.location.flatMap { candidateLocations.contains($0) ? ($0, record) : nil }
            },
            uniquingKeysWith: { first, second in isOlder(first, second) ? second : first })
        /// Returns the location of the file that the state links to `identity`, when that file still exists and
        /// still has that id.
        func incumbent(of identity: String) -> String? {
            let record = known[identity] ?? (onlyPaths == nil ? nil : try? state.item(source: name, identity: identity))
            guard let record, record.status != "removed", let location = record.location else { return nil }
            // A file whose id changed leaves its old identity's row behind; the newest row of the location is its
            // current one.
            let newest =
                onlyPaths == nil
                ? newestByLocation[location]
                : (try? state.items(source: name, at: [location]))?.max { isOlder($0, $1) }
            guard newest?.identity == identity else { return nil }
            if let readIdentity = readIdentities[location] { return readIdentity == identity ? location : nil }
            // A file under a path that the scan could not read keeps its id, because it may still exist.
            if present.contains(location) || Self.isUnder(location, anyOf: unreadPaths) { return location }
            // A partial scan's `present` contains only the changed paths.
            let path = (root as NSString).appendingPathComponent(location)
            return onlyPaths != nil && FileManager.default.fileExists(atPath: path) ? location : nil
        }
        var owners: [String: String] = [:]
        let incumbents = result.items.map { incumbent(of: $0.identity) }
        let ordered = zip(result.items, incumbents).sorted { first, second in
            let firstKeeps = first.1 == first.0.location
            let secondKeeps = second.1 == second.0.location
            return firstKeeps != secondKeeps ? firstKeeps : first.0.location < second.0.location
        }
        var rejected: Set<String> = []
        for (item, incumbent) in ordered {
            let owner = owners[item.identity] ?? incumbent
            if let owner, owner != item.location {
                rejected.insert(item.location)
                result.errors.append(
                    SourceError(
                        source: name, identity: item.location,
                        message: "\(name): \(item.location): \(Self.duplicateMarker(item.identity))\(owner); "
                            + "give each file its own id in its front matter, or remove the copy"))
            } else {
                owners[item.identity] = item.location
            }
        }
        result.items.removeAll { rejected.contains($0.location) }
    }
}

extension DirectorySource {
    /// Reads `files` into `result`'s items, skipped files and errors. A file whose size and modification time
    /// match its synced row, under the same mapping, counts as unchanged without being read.
    func read(
        _ files: [ScannedFile], into result: inout SourceScan, knownByLocation: [String: ItemRecord],
        fingerprintMatches: Bool, reader: ContentReader
    ) {
        for file in files {
            if fingerprintMatches, let record = knownByLocation[file.relativePath], record.status == "synced",
                record.fileSize == file.size,
                record.fileModificationTime == file.modificationTime.timeIntervalSince1970
            {
                result.unchangedIdentities.append(record.identity)
                continue
            }
            do {
                switch try reader.read(relativePath: file.relativePath) {
                case .skipped(let path, let reason):
                    result.skipped.append((identity: path, reason: reason))
                case .item(let content):
                    var item = SourceItem(content, source: name)
                    item.fileSize = file.size
                    item.fileModificationTime = file.modificationTime.timeIntervalSince1970
                    result.items.append(item)
                }
            } catch {
                result.errors.append(
                    SourceError(source: name, identity: file.relativePath, message: "\(name): \(error)"))
            }
        }
    }

    /// Reads again the copies that earlier scans failed as duplicates of an id that a partial scan's changed paths
    /// no longer have. Such an id is free because its file was removed or now has another id. A full scan would let
    /// the first copy take over the id and its post, so this scan does too, instead of leaving the copy failed
    /// until the next full scan.
    ///
    /// The copies join the scan's read-failure scope, so a copy's failure as a duplicate goes once it reads
    /// without one, and so does the failure of a copy that is gone.
    ///
    /// - Returns: the paths of the copies that still exist.
    func readClaimants(
        in result: inout SourceScan, known: [String: ItemRecord], present: Set<String>, reader: ContentReader,
        state: StateStore
    ) -> [String] {
        let readIdentities = Dictionary(
            result.items.map { ($0.location, $0.identity) }, uniquingKeysWith: { first, _ in first })
        let changedIdentities = known.values.filter { record in
            guard record.status != "removed", let location = record.location,
                let readIdentity = readIdentities[location]
            else { return false }
            return readIdentity != record.identity
        }
        let released = Set(result.removedIdentities + changedIdentities.map(\.identity))
        guard !released.isEmpty else { return [] }
        let claimants = Set(
            ((try? state.readFailures(source: name)) ?? []).filter { failure in
                released.contains { failure.message.contains(Self.duplicateMarker($0)) }
            }
            .map(\.location)
        ).subtracting(present)
        guard !claimants.isEmpty else { return [] }
        if case .locations(let locations) = result.readFailureScope {
            result.readFailureScope = .locations(locations.union(claimants))
        }
        // A file that an earlier source reads is never read here, as in `scan`.
        let files = leaveSharedFiles(statFiles(claimants).files).own
        // A copy has no synced row, so it is read whatever its size and time.
        read(files, into: &result, knownByLocation: [:], fingerprintMatches: false, reader: reader)
        return files.map(\.relativePath)
    }

    /// Returns the error for a folder that has no file left while the state has items of the source that are
    /// not removed, or nil. The scan then removes nothing, as for a missing folder.
    ///
    /// A partial scan counts as empty only when the folder has no entry at all, because it is given only the
    /// changed paths. Items under `unreadPaths`, the folders and files that the scan could not read, do not count,
    /// because the scan keeps them anyway. So a folder whose files all lie in a subfolder that it cannot read gets
    /// that subfolder's read failure, not this error.
    func emptyFolderError(files: [ScannedFile], unreadPaths: [String], state: StateStore) -> SourceError? {
        guard !allowsEmpty, files.isEmpty else { return nil }
        if onlyPaths != nil {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root), entries.isEmpty else {
                return nil
            }
        }
        let active = ((try? state.items(source: name)) ?? []).filter { record in
            guard record.status != "removed", let location = record.location else { return false }
            return !Self.isUnder(location, anyOf: unreadPaths)
        }
        guard !active.isEmpty else { return nil }
        let count = active.count == 1 ? "1 item" : "\(active.count) items"
        let unread =
            switch unreadPaths.count {
            case 0: ""
            case 1: " outside \(unreadPaths[0]), which the scan could not read,"
            default: " outside the \(unreadPaths.count) paths that the scan could not read, such as \(unreadPaths[0]),"
            }
        return SourceError(
            source: name, identity: nil,
            message: "source \"\(name)\": folder \(root) contains no file to sync\(unread) but the state has \(count) "
                + "from it, so nothing was removed. If the folder is a share that is not mounted or a checkout that "
                + "failed, restore it. If its files were deleted on purpose, set allow_empty: true on the source "
                + "for one run",
            isDataError: false, location: root)
    }

    /// Lists the given paths that are regular files matching the patterns, with one `stat` each; the watcher has
    /// already left out hidden and temporary names.
    func statFiles(_ paths: Set<String>) -> (files: [ScannedFile], errors: [ContentError]) {
        let includes = (include.isEmpty ? DirectoryScanner.defaultInclude : include).map(GlobPattern.init)
        let excludes = exclude.map(GlobPattern.init)
        var files: [ScannedFile] = []
        var errors: [ContentError] = []
        for path in paths.sorted() {
            guard includes.contains(where: { $0.matches(path) }), !excludes.contains(where: { $0.matches(path) })
            else { continue }
            let full = (root as NSString).appendingPathComponent(path)
            var status = stat()
            guard lstat(full, &status) == 0 else {
                // Only a path that does not exist is a removed file. Another failure, such as a folder above it
                // that this user may not open, keeps the file's item.
                if errno != ENOENT && errno != ENOTDIR {
                    errors.append(ContentError(path: path, message: "cannot read: \(String(cString: strerror(errno)))"))
                }
                continue
            }
            guard status.st_mode & S_IFMT == S_IFREG else { continue }
            let seconds = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1_000_000_000
            files.append(
                ScannedFile(
                    relativePath: path, size: Int(status.st_size),
                    modificationTime: Date(timeIntervalSince1970: seconds)))
        }
        return (files, errors)
    }
}

extension SourceItem {
    init(_ content: ContentItem, source: String) {
        let media = content.media.compactMap { medium -> SourceMedia? in
            // A picture in the body that Planable cannot post, such as an SVG logo, is left out with a warning, as in
            // a feed's HTML. A front matter field names the post's media, so a wrong type there fails the item.
            var located = Self.sourceMedium(medium, content: content)
            located?.isLeftOutWhenNotPostable = medium.isFromBody
            return located
        }
        self.init(
            source: source, identity: content.identity, location: content.relativePath, title: content.title,
            summary: content.summary, text: content.text, url: content.url, date: content.date,
            dateHasTime: content.dateHasTime, tags: content.tags, categories: content.categories, media: media,
            fields: content.frontMatter, overrides: content.overrides, contentHash: content.contentHash)
        publishDate = content.publishDate
        publishDateHasTime = content.publishDateHasTime
        siteTimeZone = content.siteTimeZone
    }

    /// Locates a folder item's medium: a URL as it is, a local file with its path below the site, or nil for a
    /// local reference that names no file path.
    private static func sourceMedium(_ medium: ContentMedia, content: ContentItem) -> SourceMedia? {
        switch medium.kind {
        case .absoluteURL:
            let url = medium.reference.hasPrefix("//") ? "https:" + medium.reference : medium.reference
            return SourceMedia(location: .url(url), alt: medium.alt)
        case .siteRelative:
            guard let path = medium.resolvedPath else { return nil }
            var media = SourceMedia(
                location: .localFile(path: path, sitePath: medium.reference), alt: medium.alt,
                searchedPaths: medium.searchedPaths)
            media.searchNote = medium.searchNote
            return media
        case .relativePath:
            guard let path = medium.resolvedPath else { return nil }
            // A path relative to the file maps below the folder where the site publishes the page. In a Hugo
            // site that is the file's folder below the content folder, so a source at `content/posts` keeps
            // `posts/` in the URL. Elsewhere it is the file's folder below the source folder.
            // NOTE: Jekyll does not publish files in `_posts` that are not posts, so a relative image next to
            // a post maps below the source folder but is served there only when a plugin or a copy puts it
            // there.
            let folder = content.siteFolder ?? parentFolder(of: content.relativePath)
            let sitePath = "/" + (folder.isEmpty ? medium.reference : folder + "/" + medium.reference)
            return SourceMedia(
                location: .localFile(path: path, sitePath: (sitePath as NSString).standardizingPath),
                alt: medium.alt, searchedPaths: medium.searchedPaths)
        }
    }
}
