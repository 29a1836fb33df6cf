import Content
import Foundation
import Hashing
import PlanableAPI

/// A page the configuration names, resolved through the API.
package struct ResolvedPage: Sendable, Equatable, Codable {
    package var id: String
    package var name: String
    package var platform: String
    package var isConnected: Bool
}

/// The workspace and pages a run works on.
package struct WorkspaceContext: Sendable {
    package var workspace: Workspace
    /// The pages the configuration's `pages` names, in that order: where items go when no rule names other pages.
    package var pages: [ResolvedPage]
    /// Every page of the workspace, for rules and per-item overrides that name other pages.
    package var allPages: [ResolvedPage]

    package init(workspace: Workspace, pages: [ResolvedPage], allPages: [ResolvedPage]) {
        self.workspace = workspace
        self.pages = pages
        self.allPages = allPages
    }

    /// The page with this id or name.
    package func page(named name: String) -> ResolvedPage? {
        allPages.first { $0.id == name } ?? allPages.first { $0.name == name }
    }

    /// Returns the name of the workspace's page with id `id` in quotes, for messages, or nil when the workspace has
    /// no such page.
    package func quotedPageName(id: String) -> String? {
        allPages.first { $0.id == id }.map { "\"\($0.name)\"" }
    }

    package var timeZone: TimeZone {
        TimeZone(identifier: workspace.timezone) ?? TimeZone(identifier: "UTC")!
    }
}

/// Everything one post is made of; pages whose payloads are equal share one grouped post.
package struct PostPayload: Sendable, Equatable, Codable {
    package var text: String
    package var media: [String] = []
    package var labels: [String] = []
    package var scheduledAt: String?
    package var publishAtScheduledDate: Bool?
    package var firstComment: String?
    package var internalNote: String?
    package var teamOnly: Bool?
    package var youtubeTitle: String?
    package var linkedinPdfTitle: String?
    package var linkedinVideoTitle: String?
    package var pinterest: PinterestFields?
    /// The campaign's name or id; the engine resolves a name to the id at send time.
    package var campaign: String?

    package init(text: String) {
        self.text = text
    }

    /// A SHA-256 over the canonical JSON of the payload; equal payloads give equal hashes across runs.
    package var hash: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        return SHA256.hex(Array(data))
    }

    /// The hash of this payload without the fields that only a create sends (see `ReportedPost.createOnlyFields`),
    /// which changes only when a PATCH has something to change.
    package var updatableHash: String {
        var payload = self
        payload.firstComment = nil
        payload.internalNote = nil
        payload.youtubeTitle = nil
        return payload.hash
    }

    /// The fields that only a create sends, each with its name for messages and its value.
    private var createOnlyValues: [(name: String, value: String?)] {
        [("first comment", firstComment), ("internal note", internalNote), ("YouTube title", youtubeTitle)]
    }

    /// A digest of the fields that only a create sends: a hash of each field's value, or an empty string for a
    /// field that is not set, joined with commas, as `PostRecord.createOnlyDigest` keeps it.
    package var createOnlyDigest: String {
        createOnlyValues.map { $0.value.map { SHA256.hex(Array($0.utf8)) } ?? "" }.joined(separator: ",")
    }

    /// Returns the names of the fields that only a create sends whose value in this payload differs from the one
    /// that `digest`, a `createOnlyDigest`, was made of.
    package func createOnlyFieldsDiffering(from digest: String) -> [String] {
        let hashes = digest.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard hashes.count == createOnlyValues.count else { return createOnlyValues.map(\.name) }
        return zip(createOnlyValues, hashes).compactMap { field, hash in
            (field.value.map { SHA256.hex(Array($0.utf8)) } ?? "") == hash ? nil : field.name
        }
    }

    /// The hashes of this payload without some of the fields that only a create sends (see
    /// `ReportedPost.createOnlyFields`), each with the names of the fields it leaves out, for every combination of
    /// those fields that this payload sets. A post whose hash is one of them differs from this payload only by
    /// fields that an update cannot add.
    package var hashesWithoutCreateOnlyFields: [String: [String]] {
        let fields: [(name: String, isSet: Bool, clear: (inout PostPayload) -> Void)] = [
            ("first comment", firstComment != nil, { $0.firstComment = nil }),
            ("internal note", internalNote != nil, { $0.internalNote = nil }),
            ("YouTube title", youtubeTitle != nil, { $0.youtubeTitle = nil }),
        ]
        let set = fields.filter(\.isSet)
        var hashes: [String: [String]] = [:]
        for mask in 1..<(1 << set.count) {
            var payload = self
            var names: [String] = []
            for (index, field) in set.enumerated() where mask & (1 << index) != 0 {
                field.clear(&payload)
                names.append(field.name)
            }
            hashes[payload.hash] = names
        }
        return hashes
    }

    /// The body of the grouped create for `pageIds`, with label names and the campaign resolved to ids.
    package func createRequest(
        workspaceId: String, pageIds: [String], notify: Bool, labelIds: [String] = [], campaignId: String? = nil
    ) -> CreatePostRequest {
        var request = CreatePostRequest(workspaceId: workspaceId, pageIds: pageIds, text: text)
        request.media = media.isEmpty ? nil : media
        request.labels = labelIds.isEmpty ? nil : labelIds
        request.scheduledAt = scheduledAt
        request.publishAtScheduledDate = publishAtScheduledDate
        request.firstComment = firstComment
        request.internalNote = internalNote
        request.teamOnly = teamOnly
        request.youtubeTitle = youtubeTitle
        request.linkedinPdfTitle = linkedinPdfTitle
        request.linkedinVideoTitle = linkedinVideoTitle
        request.pinterest = pinterest
        request.campaignId = campaignId
        request.notify = notify
        return request
    }

    /// The body of a PATCH that brings an existing post to this payload.
    ///
    /// Lists are always sent, empty ones included, so a medium or label removed from the source is removed
    /// from the post too. A nil schedule or campaign is left out, so the post keeps its value, unless `clearing`
    /// names that field: the engine sets it only when Planable still shows the value that this program sent last.
    /// A cleared schedule also sends `publishAtScheduledDate: false`, because a post cannot publish at no date.
    package func updateRequest(
        notify: Bool, labelIds: [String] = [], campaignId: String? = nil, clearing: ClearedFields = []
    ) -> UpdatePostRequest {
        var request = UpdatePostRequest(text: text)
        request.media = media
        request.labels = labelIds
        request.scheduledAt = scheduledAt.map { .set($0) }
        request.publishAtScheduledDate = publishAtScheduledDate
        if scheduledAt == nil && clearing.contains(.schedule) {
            request.scheduledAt = .null
            request.publishAtScheduledDate = false
        }
        request.teamOnly = teamOnly
        request.linkedinPdfTitle = linkedinPdfTitle
        request.linkedinVideoTitle = linkedinVideoTitle
        request.pinterest = pinterest
        request.campaignId = campaignId.map { .set($0) }
        if campaignId == nil && clearing.contains(.campaign) { request.campaignId = .null }
        request.notify = notify
        return request
    }
}

/// The fields that an update clears on a post with an explicit `null`.
package struct ClearedFields: OptionSet, Sendable {
    package let rawValue: Int

    package init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// `scheduledAt`, with `publishAtScheduledDate`.
    package static let schedule = ClearedFields(rawValue: 1 << 0)
    /// `campaignId`.
    package static let campaign = ClearedFields(rawValue: 1 << 1)

    /// The report's keys of the fields in the set: `scheduledAt` and `campaign`, in that order.
    package var reportKeys: [String] {
        var keys: [String] = []
        if contains(.schedule) { keys.append("scheduledAt") }
        if contains(.campaign) { keys.append("campaign") }
        return keys
    }
}

/// One post to create or keep current: a payload and the pages that share it.
package struct PlannedGroup: Sendable {
    package var pages: [ResolvedPage]
    package var payload: PostPayload
    /// Warnings that do not stop the item, such as a truncated text.
    package var warnings: [String] = []
    /// The hashes of the pages' payloads from before their schedule date passed, each with whether that payload
    /// asked Planable to publish at the date. The date passing changes a payload, but it is no edit.
    package var hashesBeforeDate: [String: Bool] = [:]

    /// Tells whether each of `posts` was recorded with a payload of this group from before its schedule date passed.
    package func predatesScheduleDate(_ posts: [PostRecord]) -> Bool {
        posts.allSatisfy { hashesBeforeDate[$0.payloadHash] != nil }
    }

    /// The sorted page ids, which identify the group in the state.
    package var key: String {
        pages.map(\.id).sorted().joined(separator: ",")
    }
}
