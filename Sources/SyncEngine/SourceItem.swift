import Content
import Foundation
import Hashing
import YAML

/// One item from any source, in the shape the mapping needs.
package struct SourceItem: Sendable {
    /// The configured source's name.
    package var source: String
    /// The identity within the source: a front matter `id`, a relative path, or a feed entry's key.
    package var identity: String
    /// A human-readable location for messages, such as the relative path or the entry link.
    package var location: String
    package var title: String
    package var summary: String
    package var text: String
    package var url: String?
    package var date: Date?
    /// False when the source gave a date without a time of day, which the workspace's time zone then completes.
    package var dateHasTime: Bool
    package var tags: [String]
    package var categories: [String]
    package var media: [SourceMedia]
    /// The maximum number of optional media (see `SourceMedia.isOptional`) that the item uses, the first ones
    /// that pass their check.
    package var optionalMediaLimit = Int.max
    /// The source's own fields (front matter, or feed entry fields) for templates and rules.
    package var fields: YAMLValue
    /// Per-item settings from the `planable:` front matter mapping.
    package var overrides: YAMLValue?
    package var contentHash: String
    package var fileSize: Int?
    package var fileModificationTime: Double?
    /// The identity the state stores for this item, when it was renamed in this pass and the run only plans.
    package var previousIdentity: String?
    /// The date a schedule rule uses when it differs from `date`, such as Hugo's `publishDate` beside `date`.
    package var publishDate: Date?
    package var publishDateHasTime = false
    /// The site's time zone, or nil for a feed entry or a site without one. `date.year`, `date.month` and
    /// `date.day` show a date and time in it, as the site's URLs do.
    package var siteTimeZone: TimeZone?
    /// Whether the item is a feed entry, whose feed someone else publishes, rather than a folder's file.
    package var isFeedEntry = false

    package init(
        source: String, identity: String, location: String, title: String, summary: String = "", text: String = "",
        url: String? = nil, date: Date? = nil, dateHasTime: Bool = true, tags: [String] = [], categories: [String] = [],
        media: [SourceMedia] = [], fields: YAMLValue = .mapping([]), overrides: YAMLValue? = nil, contentHash: String,
        fileSize: Int? = nil, fileModificationTime: Double? = nil
    ) {
        self.source = source
        self.identity = identity
        self.location = location
        self.title = title
        self.summary = summary
        self.text = text
        self.url = url
        self.date = date
        self.dateHasTime = dateHasTime
        self.tags = tags
        self.categories = categories
        self.media = media
        self.fields = fields
        self.overrides = overrides
        self.contentHash = contentHash
        self.fileSize = fileSize
        self.fileModificationTime = fileModificationTime
    }
}

extension SourceItem {
    /// A hash of what a reader sees (title, date, summary, text, media) without the identity or location, so a
    /// renamed file is recognized as the item it was.
    ///
    /// A local medium counts by its file name alone, because moving a page bundle or a post with its picture
    /// changes the picture's path below the site but not what the post shows.
    package var bodyHash: String {
        bodyHash { medium in
            switch medium.location {
            case .url(let url): url
            case .localFile(_, let sitePath): (sitePath as NSString).lastPathComponent
            }
        }
    }

    /// The body hash as states written before `bodyHash` counted local media by file name stored it, with each
    /// local medium's whole path below the site. A rename that keeps the folder still matches such a state.
    ///
    /// NOTE: A file moved to another folder with its local picture before the first run that stores the new hash
    /// is not matched, because this hash takes the new path. Every item is mapped again, and its hash stored, by
    /// the first run after a change to the settings that shape posts.
    var earlierBodyHash: String {
        bodyHash { medium in
            switch medium.location {
            case .url(let url): url
            case .localFile(_, let sitePath): sitePath
            }
        }
    }

    private func bodyHash(media key: (SourceMedia) -> String) -> String {
        let parts = [title, date.map { String($0.timeIntervalSince1970) } ?? "", summary, text] + media.map(key)
        return SHA256.hex(Array(parts.joined(separator: "\u{0}").utf8))
    }
}

/// A medium an item refers to.
package struct SourceMedia: Sendable, Equatable {
    package enum Location: Sendable, Equatable {
        /// An absolute http or https URL.
        case url(String)
        /// A file on disk, which `media_base_url` maps to a public URL; `sitePath` is its path below the site root.
        case localFile(path: String, sitePath: String)

        /// The URL, or the local file's path below the site root, as messages name the medium.
        package var shown: String {
            switch self {
            case .url(let url): url
            case .localFile(_, let sitePath): sitePath
            }
        }
    }

    package var location: Location
    package var alt: String?
    /// A MIME type the source stated, such as an enclosure's `type`.
    package var declaredType: String?
    /// For a local file that was not found, every path looked at, which the error names.
    package var searchedPaths: [String] = []
    /// For a local file that was not found, the reason other folders were not searched, which the error adds.
    package var searchNote: String?
    /// Whether the item can do without this medium, as a picture taken from a feed entry's HTML can: one that
    /// fails its check is left out with a warning instead of failing the item.
    package var isOptional = false
    /// Whether the item leaves this medium out with a warning when its check finds a type that Planable cannot
    /// post, as a feed's enclosure of a podcast's audio, instead of failing.
    package var isLeftOutWhenNotPostable = false

    package init(location: Location, alt: String? = nil, declaredType: String? = nil, searchedPaths: [String] = []) {
        self.location = location
        self.alt = alt
        self.declaredType = declaredType
        self.searchedPaths = searchedPaths
    }
}

/// The items, skips and errors of one source in one pass.
package struct SourceScan: Sendable {
    package var items: [SourceItem] = []
    /// Items the source skipped on purpose, such as drafts, with the reason.
    package var skipped: [(identity: String, reason: String)] = []
    /// Files or entries that could not be read; other items are unaffected.
    package var errors: [SourceError] = []
    /// Identities the source still has but did not read again because they are unchanged since the last pass.
    package var unchangedIdentities: [String] = []
    /// Items the source counts as unchanged without knowing their identities, such as the entries of a feed whose
    /// server responded 304 Not Modified.
    package var unchangedUnlistedCount = 0
    /// Problems that fail nothing but that a person should look at, such as a feed that lists no entries any more.
    package var warnings: [String] = []
    /// Identities in the state that the source no longer has, such as deleted or renamed files.
    package var removedIdentities: [String] = []
    /// Whether the scan could not read part of the source, such as a subfolder, whose items it left unread.
    package var missedPaths = false
    /// Feed entries recorded without posting, such as on a feed's first run, with the report message when it is
    /// not the first run's.
    package var baselined: [(identity: String, title: String, message: String?)] = []
    /// Feed entries whose key changed, whose records and posts the engine moves to the new key before it maps the
    /// scan's items.
    package var identityChanges: [IdentityChange] = []
    /// Feed entries recorded without posting earlier that changed since, whose edit is recorded without a post too.
    package var baselinedEdits: [(identity: String, title: String)] = []
    /// Work the engine runs after an apply pass in which no item of the source failed, such as storing a feed's
    /// validators and baseline. `plan` never runs it, so a preview changes nothing.
    package var commit: (@Sendable (StateStore) throws -> Void)?
    /// Work the engine runs after every apply pass, even one in which an item failed, such as recording the entries
    /// a feed's first run baselined: without them, the next run would take the whole feed for new entries.
    package var commitAlways: (@Sendable (StateStore) throws -> Void)?
    /// Work the engine runs after an apply pass that was not stopped, even one in which an item failed, such as
    /// marking a feed as past its first run once every entry of that run was decided.
    package var commitUnlessStopped: (@Sendable (StateStore) throws -> Void)?
    /// The locations this scan read, whose stored read failures its `errors` replace after an apply pass.
    package var readFailureScope = ReadFailureScope.wholeSource

    package init() {}
}

/// A source item whose identity changed, such as a feed entry whose link or id the publisher changed.
package struct IdentityChange: Sendable, Equatable {
    package var identity: String
    /// The identity under which the state stores the item's records.
    package var previousIdentity: String
    /// The evidence that ties the two identities together, for the report and the log, such as "the same link".
    package var evidence: String
    /// Whether this program caused the change, by deriving keys differently than the version that stored the
    /// item. Such a change is logged at info level and not reported for the item.
    package var isRoutine: Bool

    package init(identity: String, previousIdentity: String, evidence: String, isRoutine: Bool) {
        self.identity = identity
        self.previousIdentity = previousIdentity
        self.evidence = evidence
        self.isRoutine = isRoutine
    }
}

/// One item that could not be read, with a message that names the file or entry.
package struct SourceError: Error, Sendable, CustomStringConvertible {
    package var source: String
    package var identity: String?
    package var message: String
    /// True when the problem is in the content (exit code 65), false for I/O such as an unreachable feed (75).
    package var isDataError: Bool
    /// The place of the problem that the state's read failures store, such as the source folder or the feed URL.
    /// Nil means `identity`, which is the file path relative to the source folder.
    package var location: String?
    /// The key of the feed entry that could not be read, when the problem is in one entry of a feed.
    /// NOTE: no source sets this yet, because the feed reader derives a key for every entry. Feed problems are rows
    /// of the whole feed.
    package var entry: String?

    package init(
        source: String, identity: String?, message: String, isDataError: Bool = true, location: String? = nil,
        entry: String? = nil
    ) {
        self.source = source
        self.identity = identity
        self.message = message
        self.isDataError = isDataError
        self.location = location
        self.entry = entry
    }

    package var description: String { message }
}
