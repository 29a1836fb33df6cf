import Foundation
import Logging
import PlanableAPI

/// Rebuilds a missing or corrupt state database from the API, for `sync --rebuild-state`.
///
/// The API has no field that ties a post to a source item, so the rebuilder maps every item as a sync would and
/// links it to one of the workspace's post groups. It first looks for a group on the same pages with exactly the
/// rendered text, then for the only group on those pages with that text on some of its pages. For an item whose
/// text changed since, it then takes a group on the same pages whose text contains the item's URL, or else its
/// title, when exactly one item and one group qualify. An item linked by its text on every page is recorded as
/// synced. For `sync --rebuild-state`, one linked otherwise is recorded with an empty payload hash, so the sync
/// that follows updates its post. The automatic linking of a new state records it as synced instead, because a person
/// may have edited the post in Planable, and it logs a warning that names the item and the post.
/// Items left unlinked are created by that sync, except the entries of a feed that are older than its newest
/// linked entry: those were posted or baselined before the state was lost, so they are recorded as baselined.
package struct StateRebuilder {
    let engine: SyncEngine

    /// Counts of the links a rebuild made.
    package struct Summary: Sendable, Equatable {
        /// Planned groups linked to a post group with the same text.
        package var linkedByText = 0
        /// Planned groups linked through the exact text on some of their pages, or their item's URL or title.
        package var linkedByKey = 0
        /// Planned items with a group that has no post, which the next sync creates, so it counts them as created.
        package var unlinked = 0
        /// Feed entries that the next sync records without a post. For a feed with a linked entry, they are those
        /// older than its newest linked entry, recorded as baselined now. For a feed without one, they are those
        /// that the feed's first run baselines: all but the newest `backfill`.
        package var baselined = 0
        /// Post groups of the workspace that no item claimed.
        package var unclaimedGroups = 0
    }

    /// The run a rebuild is for, which decides what happens to a post whose text differs from its item's.
    package enum Purpose: Sendable {
        /// `sync --rebuild-state`: the sync that follows updates such a post to the item's text.
        case rebuild
        /// The first pass of a new state database: such a post keeps its text until the item changes.
        case adoption
        /// `plan` on a new state database: the links `adoption` would make, in a state in memory.
        case adoptionPreview
    }

    package init(engine: SyncEngine) {
        self.engine = engine
    }

    /// Checks the state file before it is opened: a missing or empty file is fine, a corrupt one is moved aside,
    /// and a sound one that records items is rejected, because rebuilding it would throw away what it stores.
    ///
    /// - Returns: where the corrupt file was moved, or nil when there was none.
    /// - Throws: `StateError` for a database from a newer program or one that cannot be opened, and
    ///   `MappingError` for a sound database.
    package static func prepare(statePath: String, logger: Logger) throws -> String? {
        let manager = FileManager.default
        guard manager.fileExists(atPath: statePath) else { return nil }
        let lock = try StateLock(statePath: statePath)
        defer { lock.release() }
        do {
            // A state that has never recorded an item, such as the one a `plan` leaves, has nothing to lose.
            if try StateStore(path: statePath).isEmpty() { return nil }
        } catch StateError.corrupt {
            let aside = statePath + ".corrupt-" + StateStore.timestamp().replacingOccurrences(of: ":", with: "")
            for suffix in ["", "-wal", "-shm"] where manager.fileExists(atPath: statePath + suffix) {
                try manager.moveItem(atPath: statePath + suffix, toPath: aside + suffix)
            }
            logger.warning(
                "moved the corrupt state database aside", ["state.path": statePath, "state.moved_to": aside])
            return aside
        }
        throw MappingError(
            "state database \(statePath) is sound; --rebuild-state only replaces a missing or corrupt one, so move "
                + "it aside first if it must be rebuilt",
            isConfigurationError: true)
    }

    /// Reads `feeds` whole, each on a thread of its own and at most as many at once as a pass fetches, so that slow
    /// feed servers add no wait to each other. Returns each read or its error, by source name.
    ///
    /// - Throws: `PlanableAPIError.cancelled` once `shouldStop` returns true while a read is still running, so that
    ///   a daemon's stop does not wait for a slow feed server.
    static func readForAdoption(
        _ feeds: [FeedSource], shouldStop: @Sendable () -> Bool = { false }
    ) throws -> [String: Result<FeedSource.AdoptionRead, any Error>] {
        let reads = ThreadFanOut.map(feeds, width: SyncEngine.concurrentFeedFetches, shouldStop: shouldStop) { feed in
            Result { try feed.readForAdoption() }
        }
        guard let reads else { throw PlanableAPIError.cancelled(operation: "reading feeds to link the new state") }
        return Dictionary(zip(feeds.map(\.name), reads), uniquingKeysWith: { first, _ in first })
    }

    /// Maps every item, reads the workspace's posts and records the links in the (new, empty) state.
    package func rebuild(
        for purpose: Purpose = .rebuild, shouldStop: @Sendable () -> Bool = { false }
    ) throws -> Summary {
        let context = try engine.resolveContext()
        let mapper = try Mapper(configuration: engine.configuration, context: context)
        var planned: [(item: SourceItem, groups: [PlannedGroup])] = []
        var feedReads: [(source: String, url: String, read: FeedSource.AdoptionRead)] = []
        let adoptionReads = try Self.readForAdoption(
            engine.sources.compactMap { $0 as? FeedSource }, shouldStop: shouldStop)
        for source in engine.sources {
            let items: [SourceItem]
            if let feed = source as? FeedSource {
                // A scan of a new state would return only the newest `backfill` entries, so the entries that were
                // baselined or posted before would stay unlinked and look new to the sync that follows.
                do {
                    let read = try (adoptionReads[feed.name] ?? Result { try feed.readForAdoption() }).get()
                    feedReads.append((feed.name, feed.displayURL, read))
                    items = read.items
                } catch let error as SourceError {
                    throw Self.unreadable(error)
                }
            } else {
                let scan = source.scan(state: engine.state, timeZone: context.timeZone)
                // A folder missing now would have its items created later, beside their posts, because the
                // state is no longer new by then.
                if let error = scan.errors.first(where: { $0.identity == nil && !$0.isDataError }) {
                    throw Self.unreadable(error)
                }
                items = scan.items
            }
            for item in items {
                let mediaBaseURL = engine.configuration.sources.first { $0.name == item.source }?.mediaBaseURL
                let checked = try? engine.mediaChecker.check(
                    item.media, mediaBaseURL: mediaBaseURL, optionalLimit: item.optionalMediaLimit)
                guard let media = checked?.media, let plan = try? mapper.plan(item, media: media),
                    plan.skipReason == nil, !plan.groups.isEmpty
                else { continue }
                // A post shows the URL that the source's `link` gives, which the item itself may not carry.
                var linked = item
                if let url = plan.url, !url.isEmpty { linked.url = url }
                planned.append((linked, plan.groups))
            }
        }

        var groups: [String: [Post]] = [:]
        var offset = 0
        while true {
            let page = try engine.client.listPosts(workspaceId: context.workspace.id, offset: offset, limit: 100)
            for post in page.items { groups[post.groupId ?? post.id, default: []].append(post) }
            offset += page.items.count
            if page.items.isEmpty || page.pagination?.hasMore != true { break }
        }

        var summary = Summary()
        var claimed = Set<String>()
        var links: [Int: [(group: PlannedGroup, posts: [Post], exact: Bool)]] = [:]
        func pages(_ posts: [Post]) -> Set<String> { Set(posts.map(\.pageId)) }
        // When a person deletes one page's post of a group in Planable, the other posts stay, and their
        // `groupPageIds` still name every page of the group. They are linked, and the deleted post's page goes
        // without one, as with a kept state. Creating the group again would duplicate the posts that remain.
        func isGroup(_ posts: [Post], for expected: Set<String>) -> Bool {
            let present = pages(posts)
            if present == expected { return true }
            return !present.isEmpty && present.isSubset(of: expected)
                && posts.allSatisfy { Set($0.groupPageIds ?? []) == expected }
        }

        for (index, entry) in planned.enumerated() {
            for group in entry.groups {
                let expectedPages = Set(group.pages.map(\.id))
                let match = groups.first { key, posts in
                    !claimed.contains(key) && isGroup(posts, for: expectedPages)
                        && posts.allSatisfy { $0.plainText == group.payload.text }
                }
                if let (key, posts) = match {
                    claimed.insert(key)
                    links[index, default: []].append((group, posts, true))
                }
            }
        }
        // A group whose posts a person edited in Planable on some pages still shows the item's exact text on the
        // others, and the group id ties its posts together. So a group on the same pages with the exact text on
        // one page or more is linked when it is the only such group and no other item renders that text.
        for (index, entry) in planned.enumerated() {
            for group in entry.groups where !(links[index] ?? []).contains(where: { $0.group.key == group.key }) {
                let expectedPages = Set(group.pages.map(\.id))
                let rivals = planned.filter { other in
                    other.groups.contains {
                        Set($0.pages.map(\.id)) == expectedPages && $0.payload.text == group.payload.text
                    }
                }.count
                let candidates = groups.filter { key, posts in
                    !claimed.contains(key) && isGroup(posts, for: expectedPages)
                        && posts.contains { $0.plainText == group.payload.text }
                }
                guard rivals == 1, candidates.count == 1, let (groupKey, posts) = candidates.first else { continue }
                claimed.insert(groupKey)
                links[index, default: []].append((group, posts, false))
                logEditedLink(entry.item, posts: posts, linkedBy: "text", purpose: purpose)
            }
        }
        let sourcesWithExactLinks = Set(links.keys.map { planned[$0].item.source })
        for (index, entry) in planned.enumerated() {
            for group in entry.groups where !(links[index] ?? []).contains(where: { $0.group.key == group.key }) {
                // On a new state, a title alone links only in a source whose other posts were found by their exact
                // text, which shows that its posts came from this program. In a new client's first sync it would
                // take over a hand-written post that happens to share an item's title.
                let titleAllowed = purpose == .rebuild || sourcesWithExactLinks.contains(entry.item.source)
                let titleKey = titleAllowed ? Key.title(entry.item.title) : nil
                let keys = [entry.item.url.map(Key.url), titleKey].compactMap { $0 }
                for key in keys where key.isDistinctive {
                    let rivals = planned.filter { key.matches($0.item) }.count
                    let candidates = groups.filter { groupKey, posts in
                        !claimed.contains(groupKey) && isGroup(posts, for: Set(group.pages.map(\.id)))
                            && posts.allSatisfy { key.isIn($0.plainText) }
                    }
                    guard rivals == 1, candidates.count == 1, let (groupKey, posts) = candidates.first else { continue }
                    claimed.insert(groupKey)
                    links[index, default: []].append((group, posts, false))
                    logEditedLink(entry.item, posts: posts, linkedBy: key.name, purpose: purpose)
                    break
                }
            }
        }

        // A link by URL or title keeps the post's text unless a person asked for the rebuild.
        let keepsEditedText = purpose != .rebuild
        let names = NameResolver(
            client: engine.client, workspaceId: context.workspace.id, createLabels: false, logger: engine.logger)
        for (index, entry) in planned.enumerated() {
            let item = entry.item
            let found = links[index] ?? []
            var record = ItemRecord(
                source: item.source, identity: item.identity, title: item.title, location: item.location,
                contentHash: item.contentHash, bodyHash: item.bodyHash, status: "pending", fileSize: item.fileSize,
                fileModificationTime: item.fileModificationTime, publishedEditReported: false)
            for link in found {
                let payloadHash = link.exact || keepsEditedText ? link.group.payload.hash : ""
                try engine.state.recordCreated(
                    intentId: 0, item: record, groupKey: link.group.key, posts: link.posts.map(PostSnapshot.init),
                    payloadHash: payloadHash,
                    sent: Self.sentFields(link.group, posts: link.posts, item: item, names: names),
                    updatableHash: payloadHash.isEmpty ? nil : link.group.payload.updatableHash)
                // A page whose post a person deleted goes without one, as with a kept state, so later edits update
                // the rest of the group.
                let linkedPages = Set(link.posts.map(\.pageId))
                for page in link.group.pages where !linkedPages.contains(page.id) {
                    try engine.state.recordPageDeletedBeforeLink(
                        source: item.source, identity: item.identity, groupKey: link.group.key,
                        groupId: link.posts.first?.groupId, pageId: page.id, payloadHash: payloadHash)
                }
                if link.exact { summary.linkedByText += 1 } else { summary.linkedByKey += 1 }
            }
            guard !found.isEmpty else { continue }
            if found.count == entry.groups.count && (keepsEditedText || found.allSatisfy(\.exact)) {
                record.status = "synced"
                record.payloadHash = entry.groups.map(\.payload.hash).joined(separator: ",")
            } else {
                // Without a content hash the next sync maps the item again and creates or updates what differs.
                record.contentHash = nil
                record.fileSize = nil
                record.fileModificationTime = nil
            }
            try engine.state.saveItem(record)
        }
        var baselined = Set<String>()
        // The sync that follows finds these entries recorded, so it reports them as baselined from this list.
        engine.linkedWithoutPost = [:]
        for (source, url, read) in feedReads {
            let recorded = try baselineFeed(source: source, read: read, planned: planned, links: links)
            if !recorded.isEmpty {
                let titles = recorded.map { ($0.identity, $0.title) }
                engine.linkedWithoutPost[source] = Dictionary(titles) { first, _ in first }
            }
            let hasLinks = planned.indices.contains { links[$0] != nil && planned[$0].item.source == source }
            // The linked entries stand for the feed's first run, so later entries are new entries of a known feed.
            if hasLinks { try engine.state.markFeedBaselined(source: source, url: url) }
            let identities =
                hasLinks
                ? recorded.map(\.identity) : read.items.map(\.identity).filter { !read.firstRunPosted.contains($0) }
            baselined.formUnion(identities.map { source + "\n" + $0 })
            summary.baselined += identities.count
        }
        for (index, entry) in planned.enumerated()
        where !baselined.contains(entry.item.source + "\n" + entry.item.identity)
            && (links[index] ?? []).count < entry.groups.count
        {
            summary.unlinked += 1
        }
        summary.unclaimedGroups = groups.count - claimed.count
        let message =
            switch purpose {
            case .rebuild: "state rebuilt from the API"
            case .adoption: "linked items to existing posts"
            case .adoptionPreview: "links to existing posts found for the plan"
            }
        engine.logger.info(
            message,
            [
                "linked.text": String(summary.linkedByText), "linked.key": String(summary.linkedByKey),
                "unlinked": String(summary.unlinked), "baselined": String(summary.baselined),
                "unclaimed_groups": String(summary.unclaimedGroups),
            ])
        return summary
    }

    /// Returns the schedule and campaign of `group` that every linked post shows, which this program would have
    /// sent, so that the state records them as sent and an update clears them once the source drops them. A value
    /// that a post lacks or shows otherwise may be a person's, and is not recorded.
    static func sentFields(_ group: PlannedGroup, posts: [Post], item: SourceItem, names: NameResolver) -> SentFields {
        var sent = SentFields()
        if let scheduledAt = group.payload.scheduledAt,
            posts.allSatisfy({ $0.scheduledAt.map { SyncEngine.isSameTime(scheduledAt, $0) } ?? false })
        {
            sent.scheduledAt = scheduledAt
        }
        // A campaign that cannot be found now leaves nothing recorded, as the sync that follows reports it.
        if let campaign = group.payload.campaign, let id = try? names.campaignId(campaign, item: item),
            posts.allSatisfy({ $0.campaignId == id })
        {
            sent.campaignId = id
        }
        return sent
    }

    /// Logs that `item` was linked to `posts`, whose text differs from the item's on one page or more, and what
    /// the sync that follows does with them, so a person can decide which text to keep.
    ///
    /// - Parameter linkedBy: `url`, `title`, or `text` for a group with the item's text on some of its pages.
    private func logEditedLink(_ item: SourceItem, posts: [Post], linkedBy: String, purpose: Purpose) {
        let metadata = [
            "item.source": item.source, "item.id": item.identity, "item.title": item.title,
            "post.ids": posts.map(\.id).joined(separator: ","), "linked.by": linkedBy,
        ]
        if posts.allSatisfy(\.published) {
            // A published post can no longer change, so no edit of the item would reach it.
            engine.logger.warning(
                "linked an item to a published post whose text differs from the item's; a published post keeps its "
                    + "text, and later edits of the item are reported but not sent", metadata)
        } else if purpose == .rebuild {
            engine.logger.warning(
                "linked an item to a post whose text differs from the item's; the sync updates the post to the "
                    + "item's text", metadata)
        } else {
            engine.logger.warning(
                "linked an item to a post whose text differs from the item's, as after an edit in Planable or a "
                    + "change of the template; the post keeps its text until the item changes, so edit the item to "
                    + "send its text instead",
                metadata)
        }
    }

    /// Returns `error`, of a source that cannot be read at all, with the reason why the rebuild stops for it.
    private static func unreadable(_ error: SourceError) -> SourceError {
        var message = error.message
        while message.hasSuffix(".") { message.removeLast() }
        // A feed that is no feed stays so until its URL or its publisher changes, so it exits as bad data.
        let fix =
            error.isDataError
            ? "fix the source's URL, or remove the source from the configuration until it reads"
            : "the next run tries again; if the source stays unreadable, remove it from the configuration until it reads"
        return SourceError(
            source: error.source, identity: nil,
            message: "\(message). The posts of a new state database cannot be linked to the source's items without "
                + "it, so nothing was sent for any source; \(fix)",
            isDataError: error.isDataError, location: error.location)
    }

    /// Records as baselined the entries of a feed that no post matched and that are older than its newest entry
    /// with a post. Returns the identities and titles of the entries recorded.
    ///
    /// The newest linked entry marks how far the lost state had read the feed, so the entries after it were
    /// published since and the sync that follows creates them, as it would have without the loss. The older ones
    /// were posted or baselined before. An entry is newer when its date is later than the newest linked entry's,
    /// or, when either has no date, when the feed lists it before the first linked entry. A feed none of whose
    /// entries has a post is left alone: the sync that follows runs the first-run rule itself.
    private func baselineFeed(
        source: String, read: FeedSource.AdoptionRead, planned: [(item: SourceItem, groups: [PlannedGroup])],
        links: [Int: [(group: PlannedGroup, posts: [Post], exact: Bool)]]
    ) throws -> [(identity: String, title: String)] {
        let linked = Set(
            planned.indices.filter { links[$0] != nil && planned[$0].item.source == source }
                .map { planned[$0].item.identity })
        guard let firstLinked = read.items.firstIndex(where: { linked.contains($0.identity) }) else { return [] }
        let newestLinkedDate = read.items.filter { linked.contains($0.identity) }.compactMap(\.date).max()
        var recorded: [(identity: String, title: String)] = []
        for (index, item) in read.items.enumerated() where !linked.contains(item.identity) {
            let isNewer =
                if let date = item.date, let newestLinkedDate { date > newestLinkedDate } else { index < firstLinked }
            if isNewer { continue }
            try engine.state.saveItem(
                ItemRecord(
                    source: source, identity: item.identity, title: item.title, location: item.location,
                    contentHash: item.contentHash, status: "baselined", publishedEditReported: false))
            recorded.append((item.identity, item.title))
        }
        return recorded
    }

    /// A key that links an item to a post whose text changed: its URL anywhere in the text, or its title as a line.
    private enum Key {
        case url(String)
        case title(String)

        /// The key's kind, for logs: `url` or `title`.
        var name: String {
            switch self {
            case .url: "url"
            case .title: "title"
            }
        }

        /// Whether the key is long enough to tell items apart.
        var isDistinctive: Bool {
            switch self {
            case .url(let url): url.count >= 12
            case .title(let title): title.count >= 4
            }
        }

        func matches(_ item: SourceItem) -> Bool {
            switch self {
            case .url(let url): item.url == url
            case .title(let title): item.title == title
            }
        }

        func isIn(_ text: String) -> Bool {
            switch self {
            case .url(let url):
                return text.contains(url)
            case .title(let title):
                return text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == title }
            }
        }
    }
}

extension SyncEngine {
    /// Links items to existing posts when the state database is new but the workspace is not.
    ///
    /// A state that has never recorded an item, against a workspace that already has posts, is most likely a lost
    /// or moved state database, and a plain sync would create every post a second time. So the items are linked
    /// to post groups on the same pages by their text, URL or title, as `sync --rebuild-state` does, and only the
    /// rest are created. A post linked by URL or title keeps its text. This runs once per state database, and
    /// costs one read when the workspace is empty.
    ///
    /// - Parameter partial: whether the pass reads only some sources. The linking reads them all, so such a pass
    ///   throws `StateNotLinkedError` instead, without reading any, and a full pass links the state.
    func adoptExistingPostsIfStateIsNew(
        context: WorkspaceContext, partial: Bool = false, shouldStop: @Sendable () -> Bool = { false }
    ) throws {
        guard try state.awaitsLinking() else { return }
        if try state.isEmpty(),
            !(try client.listPosts(workspaceId: context.workspace.id, offset: 0, limit: 1).items.isEmpty)
        {
            if partial { throw StateNotLinkedError() }
            let summary = try StateRebuilder(engine: self).rebuild(for: .adoption, shouldStop: shouldStop)
            logger.warning(
                "state database is new but the workspace has posts, so items whose text, URL or title matches a "
                    + "post were linked to it instead of created again",
                [
                    "state.path": state.path, "linked": String(summary.linkedByText + summary.linkedByKey),
                    "linked.edited": String(summary.linkedByKey), "baselined": String(summary.baselined),
                    "to_create": String(summary.unlinked),
                ])
        }
        try state.setSetting(StateStore.existingPostsCheckedSetting, StateStore.timestamp())
    }

    /// Builds, for `plan`, a state in memory with the links that `adoptExistingPostsIfStateIsNew` would make.
    /// Returns nil when the sync would link nothing, because the state is in use or the workspace has no post.
    func previewAdoption(context: WorkspaceContext) throws -> StateStore? {
        guard try state.awaitsLinking(), try state.isEmpty(),
            !(try client.listPosts(workspaceId: context.workspace.id, offset: 0, limit: 1).items.isEmpty)
        else { return nil }
        let preview = try StateStore(path: ":memory:")
        let engine = SyncEngine(
            configuration: configuration, state: preview, client: client, sources: sources, logger: logger,
            mediaReach: mediaChecker.reach)
        let summary = try StateRebuilder(engine: engine).rebuild(for: .adoptionPreview)
        linkedWithoutPost = engine.linkedWithoutPost
        try preview.setSetting(StateStore.existingPostsCheckedSetting, StateStore.timestamp())
        logger.warning(
            "state database is new but the workspace has posts, so the plan links items whose text, URL or title "
                + "matches a post, as the sync will, instead of creating them again",
            [
                // A command that only reads the state runs on an empty database in memory when the file is missing.
                "state.path": configuration.statePath, "linked": String(summary.linkedByText + summary.linkedByKey),
                "linked.edited": String(summary.linkedByKey), "baselined": String(summary.baselined),
                "to_create": String(summary.unlinked),
            ])
        return preview
    }
}

/// A pass over some sources on a new state database that a full pass has not yet linked to the workspace's posts.
/// Creating posts before the linking could duplicate them, and the linking reads every source, so such a pass
/// sends nothing and leaves the linking to the next full pass.
package struct StateNotLinkedError: Error, CustomStringConvertible {
    package var description: String {
        "the new state database is not linked to the workspace's posts yet, so this pass over changed sources sent "
            + "nothing; a full pass links it once every source reads"
    }
}

extension StateStore {
    /// The setting that records when a full pass checked the workspace for posts to link a new state to.
    static let existingPostsCheckedSetting = "existing_posts_checked"

    /// Tells whether no full pass has yet checked the workspace for posts to link this state to, so that only a
    /// full pass may create posts.
    package func awaitsLinking() throws -> Bool {
        try setting(Self.existingPostsCheckedSetting) == nil
    }
}
