import Foundation

/// The violations found so far for one post on one network, with the checks that add them.
struct ViolationReport {
    let network: Network
    let rules: NetworkRules
    private(set) var violations: [NetworkViolation] = []

    init(network: Network, rules: NetworkRules) {
        self.network = network
        self.rules = rules
    }

    private var name: String { network.displayName }

    mutating func add(
        _ rule: NetworkViolation.Rule, _ severity: NetworkViolation.Severity, _ message: String,
        limit: Int? = nil, measured: Int? = nil
    ) {
        violations.append(
            NetworkViolation(
                rule: rule, severity: severity, network: network, limit: limit, measured: measured, message: message))
    }

    /// The name of the main text field in messages: YouTube and Pinterest show it as the description.
    private var textFieldName: String {
        switch network {
        case .youtube, .pinterest: return "description"
        default: return "text"
        }
    }

    mutating func checkText(_ text: String) {
        if let limit = rules.textLimit {
            let length = TextCounter.count(text, by: rules.textCounting)
            if length > limit {
                add(
                    .textLength, .error,
                    "\(textFieldName) is \(length) \(rules.textCounting.unit); \(name) allows at most \(limit)",
                    limit: limit, measured: length)
            }
        }
        if let limit = rules.maxHashtags {
            let count = TextCounter.hashtagCount(text)
            if count > limit {
                add(
                    .hashtagCount, .error, "text has \(count) hashtags; \(name) allows at most \(limit)", limit: limit,
                    measured: count)
            }
        }
        if let limit = rules.maxMentions {
            let count = TextCounter.mentionCount(text)
            if count > limit {
                add(
                    .mentionCount, .error, "text has \(count) @ mentions; \(name) allows at most \(limit)",
                    limit: limit, measured: count)
            }
        }
        if rules.rejectsAngleBrackets, text.contains(where: { $0 == "<" || $0 == ">" }) {
            add(
                .forbiddenCharacters, .error,
                "\(textFieldName) contains \"<\" or \">\", which \(name) rejects; remove them")
        }
    }

    /// Checks the first comment against the text limit.
    ///
    /// NOTE: networks document comment limits apart from post limits; the post text limit is assumed here.
    mutating func checkFirstComment(_ comment: String?) {
        guard let comment, let limit = rules.textLimit else { return }
        let length = TextCounter.count(comment, by: rules.textCounting)
        if length > limit {
            add(
                .firstCommentLength, .error,
                "first comment is \(length) \(rules.textCounting.unit); \(name) allows at most \(limit)",
                limit: limit, measured: length)
        }
    }

    mutating func checkFields(_ post: PostDraft) {
        switch network {
        case .youtube:
            let title = post.youtubeTitle?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if title.isEmpty {
                add(.requiredField, .error, "YouTube title is missing; YouTube needs a title for every video")
            } else {
                checkTitle(title, field: "YouTube title")
            }
        case .pinterest:
            let board = post.pinterestBoardId?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if board.isEmpty {
                add(.requiredField, .error, "Pinterest board is missing; Pinterest needs a board id for every pin")
            }
            if let title = post.pinterestTitle {
                checkTitle(title, field: "Pinterest title")
            }
        default:
            break
        }
    }

    private mutating func checkTitle(_ title: String, field: String) {
        if let limit = rules.titleLimit {
            let length = TextCounter.count(title, by: rules.titleCounting)
            if length > limit {
                add(
                    .titleLength, .error,
                    "\(field) is \(length) \(rules.titleCounting.unit); \(name) allows at most \(limit)",
                    limit: limit, measured: length)
            }
        }
        if rules.rejectsAngleBrackets, title.contains(where: { $0 == "<" || $0 == ">" }) {
            add(.forbiddenCharacters, .error, "\(field) contains \"<\" or \">\", which \(name) rejects; remove them")
        }
    }
}
