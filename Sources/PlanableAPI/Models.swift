/// A workspace as `GET /workspaces` returns it.
package struct Workspace: Codable, Sendable, Equatable {
    package var id: String
    package var name: String
    package var companyId: String
    /// An IANA time zone name, such as `America/New_York`.
    package var timezone: String
    package var approvalSettings: ApprovalSettings?

    package struct ApprovalSettings: Codable, Sendable, Equatable {
        /// `NONE`, `OPTIONAL`, `REQUIRED` or `MULTIPLE`; another value is kept as written.
        package var type: String?
        package var autoSchedule: Bool?
    }
}

/// A page (a social channel) as `GET /pages` returns it.
package struct Page: Codable, Sendable, Equatable {
    package var id: String
    package var name: String
    /// The network, such as `linkedin` or `x`; the API does not list its values, so unknown ones are kept as written.
    package var platform: String
    package var workspaceId: String
    package var isConnected: Bool
    package var link: String?
}

/// A label of a workspace as `GET /labels` returns it.
package struct Label: Codable, Sendable, Equatable {
    package var id: String
    package var color: String
    package var name: String?
}

/// A campaign as `GET /campaigns` returns it.
package struct Campaign: Codable, Sendable, Equatable {
    package var id: String
    package var workspaceId: String
    package var name: String
    package var status: String?
}

/// A post as the posts endpoints return it. Only the fields the sync engine reads are decoded.
package struct Post: Codable, Sendable, Equatable {
    package var id: String
    package var workspaceId: String
    package var pageId: String
    package var plainText: String
    package var createdAt: String
    package var media: [String]
    package var scheduledAt: String?
    /// The campaign the post belongs to, or nil.
    package var campaignId: String?
    /// The post's status; the API leaves its values open, so the client never switches on it exhaustively.
    package var status: String
    package var approved: Bool
    package var approval: Approval?
    package var published: Bool
    package var scheduledSet: Bool
    package var archived: Bool
    package var modifiedAt: String?
    package var publishedPostLink: String?
    package var groupId: String?
    package var groupPageIds: [String]?
    package var labels: [PostLabel]?

    package struct Approval: Codable, Sendable, Equatable {
        /// `NOT_APPLICABLE`, `NEVER_SENT`, `PENDING`, `PARTIALLY_APPROVED` or `FULLY_APPROVED`.
        package var status: String?
        package var approved: Bool?
        package var type: String?
    }

    package struct PostLabel: Codable, Sendable, Equatable {
        package var uuid: String
        package var text: String
        package var color: String
    }
}

/// The pagination block of list answers.
package struct Pagination: Codable, Sendable, Equatable {
    package var offset: Int
    package var limit: Int
    package var hasMore: Bool

    package init(offset: Int, limit: Int, hasMore: Bool) {
        self.offset = offset
        self.limit = limit
        self.hasMore = hasMore
    }

    package init(from decoder: any Decoder) throws {
        // The document types offset and limit as "number", so a server may send 20.0.
        let container = try decoder.container(keyedBy: CodingKeys.self)
        offset = Int(try container.decode(Double.self, forKey: .offset))
        limit = Int(try container.decode(Double.self, forKey: .limit))
        hasMore = try container.decode(Bool.self, forKey: .hasMore)
    }
}

/// One page of a paginated list.
package struct ListPage<Element: Sendable>: Sendable {
    package var items: [Element]
    package var pagination: Pagination?
}

/// The body of `POST /posts`. `pageIds` creates one grouped post with one post per page.
package struct CreatePostRequest: Encodable, Sendable, Equatable {
    package var workspaceId: String
    package var pageIds: [String]
    package var text: String
    package var scheduledAt: String?
    package var labels: [String]?
    package var media: [String]?
    package var teamOnly: Bool?
    package var publishAtScheduledDate: Bool?
    package var firstComment: String?
    package var internalNote: String?
    package var youtubeTitle: String?
    package var linkedinPdfTitle: String?
    package var linkedinVideoTitle: String?
    package var pinterest: PinterestFields?
    package var campaignId: String?
    /// False keeps a bulk import from sending every workspace member a notification per post.
    package var notify: Bool?

    /// The maximum number of pages in one create, because the OpenAPI document limits `pageIds` to 20 items.
    package static let maximumPageIds = 20

    package init(workspaceId: String, pageIds: [String], text: String) {
        self.workspaceId = workspaceId
        self.pageIds = pageIds
        self.text = text
    }
}

/// The Pinterest fields of a create or update.
package struct PinterestFields: Codable, Sendable, Equatable {
    package var boardId: String
    package var title: String?
    package var link: String?
    package var description: String?

    package init(boardId: String, title: String? = nil, link: String? = nil, description: String? = nil) {
        self.boardId = boardId
        self.title = title
        self.link = link
        self.description = description
    }
}

/// A field of a PATCH body that either sets a value or clears it with an explicit JSON `null`.
///
/// A property of type `PatchField?` that is nil is left out of the body, so the post keeps its value.
package enum PatchField<Value: Encodable & Sendable & Equatable>: Encodable, Sendable, Equatable {
    case set(Value)
    /// Sent as `null`, which clears the field on the post.
    case null

    /// The value that the field sets, or nil when it clears the field.
    package var value: Value? {
        if case .set(let value) = self { value } else { nil }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .set(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

/// The body of `PATCH /posts/{id}`; fields left nil are not sent.
package struct UpdatePostRequest: Encodable, Sendable, Equatable {
    package var text: String?
    package var scheduledAt: PatchField<String>?
    package var labels: [String]?
    package var media: [String]?
    package var teamOnly: Bool?
    package var publishAtScheduledDate: Bool?
    package var linkedinPdfTitle: String?
    package var linkedinVideoTitle: String?
    package var pinterest: PinterestFields?
    package var campaignId: PatchField<String>?
    package var notify: Bool?

    package init(text: String? = nil) {
        self.text = text
    }
}

/// The answer of `GET /ping`.
package struct PingResult: Codable, Sendable, Equatable {
    package var ok: Bool
    package var tokenId: String
    package var companyId: String
}
