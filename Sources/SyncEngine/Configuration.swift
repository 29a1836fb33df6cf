import Content
import Foundation
import Hashing
import YAML

/// A configuration value that is missing or invalid, with its position in the file.
package struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    package var path: String
    package var line: Int?
    package var column: Int?
    package var message: String
    /// The file's other problems, in the order found, so that one run reports them all.
    package var further: [ConfigurationError] = []

    package init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    package init(path: String, at node: YAMLNode?, _ message: String) {
        self.init(path: path, line: node?.mark.line, column: node?.mark.column, message: message)
    }

    /// This problem and the further ones, each alone.
    package var problems: [ConfigurationError] {
        var first = self
        first.further = []
        return [first] + further.flatMap(\.problems)
    }

    /// Each problem on its own line, as `path:line:column: message`.
    package var description: String {
        problems.map { problem in
            var location = problem.path
            if let line = problem.line { location += ":\(line)" }
            if let column = problem.column { location += ":\(column)" }
            return "\(location): \(problem.message)"
        }.joined(separator: "\n")
    }
}

/// Where the API is.
package enum APIEndpoint: Equatable, Sendable {
    /// The reference server, started in-process on a loopback port with its data beside the state database.
    case embedded(EmbeddedOptions)
    /// A real or stand-alone API at `url`, with the token read from one of the given places.
    case remote(url: String, token: TokenSource)
}

/// Settings of the embedded reference server.
package struct EmbeddedOptions: Equatable, Sendable {
    /// The server's rate limits, per token and minute; the defaults are the real API's.
    package var readsPerMinute = 600
    package var writesPerMinute = 120
    /// The limits' window in seconds (60, as the real API); a test setting, so rate-limit tests run fast.
    package var windowSeconds: Double = 60

    package init() {}
}

/// Where the token comes from; the token itself is read only when needed and never stored in the configuration.
package struct TokenSource: Equatable, Sendable {
    package var file: String?
    package var environmentVariable: String?
    /// The name of a systemd credential, read from `$CREDENTIALS_DIRECTORY/NAME`.
    package var credential: String?
}

/// A source of items.
package struct SourceConfiguration: Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
        case directory(path: String, include: [String], exclude: [String])
        case feed(url: String, backfill: Int, pollInterval: Double, maximumNewShare: Double)
    }

    /// A short name that identifies the source in the state; renaming it makes every item new.
    package var name: String
    package var kind: Kind
    /// A Mustache template for an item's public URL (the `link` setting), such as `https://example.com/{{slug}}/`.
    /// Feed entries carry their own link, which this replaces when set.
    package var urlTemplate: String?
    /// The public URL that local media paths map to, such as `https://example.com/`.
    package var mediaBaseURL: String?
    /// For a feed, whether a run with more new entries than `max_new_share` records them as known without
    /// posting (`on_rewrite: baseline`), instead of posting nothing and failing (`reject`, the default).
    package var baselinesRewrites = false
    /// For a feed, which pictures in an entry's HTML become media after its enclosures (`content_images`).
    package var contentImages = ContentImages.none
    /// For a directory, whether a scan that finds no file may remove every item (`allow_empty`). By default such a
    /// scan removes nothing and fails like a missing folder, because an unmounted share or a failed checkout also
    /// leaves an empty folder.
    package var allowsEmpty = false
    /// For a directory with `delete_drafts`, the largest share of its items, from 0 to 1, whose files one pass may
    /// find gone and delete the drafts of (`max_removed_share`).
    package var maximumRemovedShare = 0.5
}

/// The choice of pictures in a feed entry's HTML that become media.
package enum ContentImages: String, Equatable, Sendable, CaseIterable {
    /// None: only enclosures and Media RSS elements are media.
    case none
    /// The first picture, for a network such as Instagram that needs one when the feed has no enclosure.
    case first
    /// Every picture, up to the API's 20 media per post.
    case all
}

/// The whole configuration file.
package struct Configuration: Equatable, Sendable {
    /// The file this configuration came from; relative paths in it are taken from its folder.
    package var path: String
    package var statePath: String
    package var api: APIEndpoint
    package var workspace: String
    /// Page names or ids.
    package var pages: [String]
    package var template: String
    /// Templates by page name or network, overriding `template`.
    package var templates: [String: String]
    package var sources: [SourceConfiguration]
    package var notify: Bool
    package var deleteDrafts: Bool
    package var logLevel: String?
    /// Mapping rules, applied in order; without rules every item goes to `pages`.
    package var rules: [MappingRule] = []
    /// Whether labels that the workspace lacks are created with `POST /labels`; otherwise they are an error.
    package var createLabels = false
    /// Whether every medium is checked with HEAD (or a ranged GET) before a post refers to it.
    package var checkMedia = true
    /// Whether text over a network's limit is cut to fit, keeping the link, rather than failing the item.
    package var truncate = false
    /// Whether an update replaces a post's text that someone edited in Planable since the last sync
    /// (`overwrite_planable_edits`). By default such a post is left as it is and the item is blocked.
    package var overwritesPlanableEdits = false
    /// Whether an update goes to posts that a reviewer approved in Planable (`update_approved`). By default such a
    /// post keeps its approved text and the item is blocked, because the approval may carry over to the new text,
    /// which then publishes without a reviewer having seen it.
    package var updatesApprovedPosts = false
    /// The maximum number of read requests one status refresh may send.
    package var statusReadBudget = 60
    /// The shortest time between two status refreshes by `sync`, in seconds; the daemon polls on its own schedule.
    package var statusInterval: Double = 300
    /// The time between two full rescans of every directory source by the daemon, in seconds, or 0 for none. The
    /// rescan finds changes that inotify does not report, such as edits on a network share made from another host.
    package var rescanInterval: Double = 600
    /// How long the daemon waits, in seconds, after it finds the file of an item with drafts gone before it checks
    /// the file again and, with `delete_drafts`, deletes the drafts. A branch switch, an rsync or an editor's save
    /// can leave a file missing for a moment. `sync` does not wait, because its scan is one snapshot.
    package var deleteGracePeriod: Double = 30
    /// The time limit of one API request attempt, in seconds, or nil for `PlanableClient.defaultTimeout`. A create
    /// whose response is lost is waited on for twice this plus 2 seconds before it is sent again.
    package var apiTimeout: Double?

    /// The folder that relative paths are taken from.
    package var baseDirectory: String {
        parentFolder(of: path)
    }

    /// `relative` taken from the configuration's folder, or unchanged when absolute.
    package func resolve(_ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        let base = baseDirectory.isEmpty ? FileManager.default.currentDirectoryPath : baseDirectory
        return URL(fileURLWithPath: base).appendingPathComponent(relative).standardizedFileURL.path
    }

    /// A hash of every setting that shapes posts; when it changes, every item is mapped again.
    package var mappingFingerprint: String {
        let templateList = templates.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let parts = [
            workspace, pages.joined(separator: "\u{1}"), template, templateList.joined(separator: "\u{1}"),
            "\(sources)", String(notify), "\(rules)", String(createLabels), String(checkMedia), String(truncate),
        ]
        return SHA256.hex(Array(parts.joined(separator: "\u{0}").utf8))
    }

    /// The default template: the title, the summary and the link, one paragraph each.
    package static let defaultTemplate = "{{title}}\n\n{{summary}}{{#url}}\n\n{{url}}{{/url}}"
}
