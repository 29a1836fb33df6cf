import SQLite

/// Each post's JSON object as `GET /posts` lists it, by rowid, so that a listing renders only posts that changed.
///
/// SQLite's update hook reports each changed post row, whose entry is then dropped (see
/// `SQLiteDatabase.trackRows(of:)`). A post's JSON also shows its page's network, its labels, its comment count,
/// its workspace's approval levels and, for a story, its media, so any change to those tables or a rollback drops
/// every entry.
struct PostFragments {
    /// The tables besides `posts` whose rows a post's JSON shows.
    static let dependencies = ["labels", "media"]
    private static let sharedDependencies = ["workspaces", "pages", "comments"] + dependencies
    /// The maximum number of entries; the cache empties when it is full.
    static let capacity = 20_000

    private var entries: [Int64: [UInt8]] = [:]
    private var tableChanges: [Int64] = []

    /// Drops the entries of posts changed since the last call, or every entry after a change to another table that
    /// a post's JSON shows or after a rollback.
    mutating func refresh(from database: SQLiteDatabase) {
        let current = Self.sharedDependencies.map { database.changes(in: $0) }
        let changedRows = database.takeChangedRows()
        guard current == tableChanges, let changedRows else {
            entries.removeAll(keepingCapacity: true)
            tableChanges = current
            return
        }
        for rowID in changedRows { entries[rowID] = nil }
    }

    subscript(rowID: Int64) -> [UInt8]? {
        entries[rowID]
    }

    mutating func store(_ json: [UInt8], rowID: Int64) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[rowID] = json
    }
}

extension ReferenceStore {
    /// Returns the rowids of one page of a workspace's posts, newest first, with the count of every post that
    /// `postFilter` selects.
    func postRowIDs(
        workspaceID: String, pageID: String?, campaignID: String?, offset: Int, limit: Int
    ) throws -> (rowIDs: [Int64], total: Int) {
        let (filter, arguments) = Self.postFilter(workspaceID: workspaceID, pageID: pageID, campaignID: campaignID)
        let filterKey = Self.postFilterKey(filter: filter, arguments: arguments)
        let total = try postCount(filter: filter, arguments: arguments, key: filterKey)
        let key = filterKey + "\u{0}\(offset)\u{0}\(limit)"
        let version = database.changes(in: "posts")
        if let cached = postPageCache[key], cached.version == version { return (cached.rowIDs, total) }
        let rowIDs = try database.query(
            "SELECT rowid FROM posts WHERE \(filter) ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            arguments + [limit, offset], map: { $0.integer(0).map(Int64.init) ?? 0 })
        if postPageCache.count >= 256 { postPageCache.removeAll(keepingCapacity: true) }
        postPageCache[key] = (version, rowIDs)
        return (rowIDs, total)
    }

    /// Writes `{"data": [post, ...], "pagination": ...}` for the posts at `rowIDs`, rendering only those whose JSON
    /// is not kept in `postFragments`.
    func postListJSON(rowIDs: [Int64], workspace: WorkspaceRecord, pagination: JSONValue) throws -> [UInt8] {
        postFragments.refresh(from: database)
        // The listing keeps its own copies, because storing into a full cache empties it.
        var fragments = rowIDs.map { postFragments[$0] }
        var loaded: [(index: Int, post: PostRecord)] = []
        for index in fragments.indices where fragments[index] == nil {
            let query = Self.selectPosts + " WHERE rowid = ?"
            if let post = try database.query(query, [rowIDs[index]], map: postRecord).first {
                loaded.append((index, post))
            }
        }
        if !loaded.isEmpty {
            let renderer = try PostRenderer(store: self, workspace: workspace, posts: loaded.map(\.post))
            for (index, post) in loaded {
                var json = JSONStream(capacity: 1024)
                renderer.write(post, into: &json)
                fragments[index] = json.bytes
                postFragments.store(json.bytes, rowID: rowIDs[index])
            }
        }

        // The fragments' size and room for the rest, so that the buffer is allocated once.
        let size = fragments.reduce(128) { $0 + ($1?.count ?? 0) + 1 }
        var json = JSONStream(capacity: size)
        json.beginObject()
        json.key("data")
        json.beginArray()
        for case let fragment? in fragments { json.serialized(fragment) }
        json.endArray()
        json.key("pagination")
        json.value(pagination)
        json.endObject()
        return json.bytes
    }
}
