import Networks

/// The plan of a sync, item by item, in the shape the HTML preview shows.
package struct PreviewPlan: Sendable, Equatable {
    /// The number of items per decision, shown at the top of the page.
    package struct Summary: Sendable, Equatable {
        package var created: Int
        package var updated: Int
        package var deleted: Int
        package var unchanged: Int
        package var skipped: Int
        package var failed: Int
        package var blocked: Int
        /// Feed entries recorded on a feed's first run without being posted, counted apart from the items that a
        /// rule or front matter skips.
        package var baselined: Int
        /// Items gone from their source whose posts stay in Planable, or which had none.
        package var removed: Int

        package init(
            created: Int = 0, updated: Int = 0, deleted: Int = 0, unchanged: Int = 0, skipped: Int = 0,
            failed: Int = 0, blocked: Int = 0, baselined: Int = 0, removed: Int = 0
        ) {
            self.created = created
            self.updated = updated
            self.deleted = deleted
            self.unchanged = unchanged
            self.skipped = skipped
            self.failed = failed
            self.blocked = blocked
            self.baselined = baselined
            self.removed = removed
        }

        /// The number of items the plan covers, listed or only counted.
        package var total: Int {
            created + updated + deleted + unchanged + skipped + failed + blocked + baselined + removed
        }

        /// Counts the decisions of `items`.
        package init(counting items: [Item]) {
            self.init()
            for item in items {
                switch item.decision {
                case .create: created += 1
                case .update: updated += 1
                case .delete: deleted += 1
                case .unchanged: unchanged += 1
                case .skip: skipped += 1
                case .failed: failed += 1
                case .blocked: blocked += 1
                case .baselined: baselined += 1
                case .removed: removed += 1
                }
            }
        }
    }

    /// The number of API requests the plan sent, by kind.
    package struct Requests: Sendable, Equatable {
        package var read: Int
        package var write: Int

        package init(read: Int = 0, write: Int = 0) {
            self.read = read
            self.write = write
        }
    }

    /// The decision a sync makes for one source item.
    package enum Decision: String, Sendable, Equatable, CaseIterable {
        case create
        case update
        /// The item is gone from its source, so its draft posts would be deleted.
        case delete
        case unchanged
        case skip
        /// The item could not be prepared, for example because its template or a medium failed.
        case failed
        /// The item's posts break a network rule, so nothing would be sent.
        case blocked
        /// A feed entry recorded on the feed's first run without being posted.
        case baselined
        /// The item is gone from its source, and its posts stay in Planable, or it had none.
        case removed
    }

    /// One source item and the posts it maps to.
    package struct Item: Sendable, Equatable {
        /// The item's stable identity, such as its file path or feed entry id.
        package var identity: String
        package var title: String
        package var decision: Decision
        /// The item's message, such as why it failed, is blocked or is skipped, or nil. Only a failed or blocked
        /// item's message is shown as an error.
        package var error: String?
        package var posts: [Post]

        package init(identity: String, title: String, decision: Decision, error: String? = nil, posts: [Post] = []) {
            self.identity = identity
            self.title = title
            self.decision = decision
            self.error = error
            self.posts = posts
        }
    }

    /// One rendered post for one page.
    package struct Post: Sendable, Equatable {
        package var pageName: String
        package var network: Network
        package var text: String
        package var mediaURLs: [String]
        /// The text length as the network counts it.
        package var characterCount: Int
        /// The network's text limit, or nil when it has none.
        package var limit: Int?
        package var warnings: [String]
        /// Settings shown under the post, such as its scheduled time, labels and campaign.
        package var details: [String]
        /// The post's text fields beside its text, such as its first comment or YouTube title.
        package var fields: [Field]

        package init(
            pageName: String, network: Network, text: String, mediaURLs: [String] = [], characterCount: Int,
            limit: Int?, warnings: [String] = [], details: [String] = [], fields: [Field] = []
        ) {
            self.pageName = pageName
            self.network = network
            self.text = text
            self.mediaURLs = mediaURLs
            self.characterCount = characterCount
            self.limit = limit
            self.warnings = warnings
            self.details = details
            self.fields = fields
        }
    }

    /// A text field of a post beside its text, such as its first comment, shown under the card.
    package struct Field: Sendable, Equatable {
        /// The field's name for people, such as "First comment".
        package var label: String
        package var value: String
        /// A remark shown after the label, such as that an update does not send the field, or nil.
        package var note: String?

        package init(label: String, value: String, note: String? = nil) {
            self.label = label
            self.value = value
            self.note = note
        }
    }

    /// The page heading, such as the configuration file the plan is for.
    package var title: String
    /// When the plan was made, already formatted for display.
    package var generatedAt: String
    /// The counts of every item, including unchanged items that are counted but not listed in `items`.
    package var summary: Summary
    package var items: [Item]
    package var requests: Requests

    package init(
        title: String, generatedAt: String, summary: Summary, items: [Item], requests: Requests = Requests()
    ) {
        self.title = title
        self.generatedAt = generatedAt
        self.summary = summary
        self.items = items
        self.requests = requests
    }
}
