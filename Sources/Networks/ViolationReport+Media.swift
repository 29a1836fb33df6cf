import Foundation

extension ViolationReport {
    /// Checks the number and kinds of media against the network's rules and the API's overall limit.
    ///
    /// A medium of unknown kind counts toward the totals but toward no kind. It gets a warning, and a
    /// missing required kind becomes a warning rather than an error when such a medium might supply it.
    mutating func checkMedia(_ media: [PostMedium], linkedinDocumentTitle: String?) {
        let name = network.displayName
        let images = media.filter { $0.kind == .image }.count
        let videos = media.filter { $0.kind == .video }.count
        let documents = media.filter { $0.kind == .document }.count
        let unknown = media.filter { $0.kind == .unknown }

        let totalCountBroken = media.count > min(NetworkRules.apiMaxMedia, rules.media.maxItems)
        if media.count > NetworkRules.apiMaxMedia {
            add(
                .mediaCount, .error,
                "post has \(media.count) media; the Planable API accepts at most \(NetworkRules.apiMaxMedia) per post",
                limit: NetworkRules.apiMaxMedia, measured: media.count)
        } else if media.count > rules.media.maxItems {
            add(
                .mediaCount, .error, "post has \(media.count) media; \(name) allows at most \(rules.media.maxItems)",
                limit: rules.media.maxItems, measured: media.count)
        }
        // A kind's own count limit is reported unless the total limit already covers those same media.
        for (count, limit, singular, plural) in [
            (images, rules.media.maxImages, "image", "images"),
            (videos, rules.media.maxVideos, "video", "videos"),
            (documents, rules.media.maxDocuments, "document", "documents"),
        ] where !(totalCountBroken && count == media.count && limit > 0) {
            checkKindCount(count, limit: limit, singular: singular, plural: plural)
        }

        let kindsPresent = [images, videos, documents].filter { $0 > 0 }.count
        if !rules.media.allowsMixedKinds, kindsPresent > 1 {
            add(
                .mediaKind, .error,
                "post mixes \(mixedKindsDescription(images, videos, documents)); \(name) takes one kind per post")
        }

        let missingSeverity: NetworkViolation.Severity = unknown.isEmpty ? .error : .warning
        switch rules.media.requirement {
        case .none:
            break
        case .imageOrVideo where images + videos == 0:
            add(
                .mediaRequired, missingSeverity, "post has no image or video; \(name) needs at least one", limit: 1,
                measured: 0)
        case .image where images == 0:
            add(.mediaRequired, missingSeverity, "post has no image; \(name) needs at least one", limit: 1, measured: 0)
        case .exactlyOneVideo where videos == 0:
            add(.mediaRequired, missingSeverity, "post has no video; \(name) needs exactly one", limit: 1, measured: 0)
        case .imageOrVideo, .image, .exactlyOneVideo:
            break
        }

        if network == .linkedin, documents > 0 {
            let title = linkedinDocumentTitle?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if title.isEmpty {
                add(
                    .requiredField, .error, "LinkedIn document title is missing; LinkedIn needs one for a document post"
                )
            }
        }

        for medium in unknown {
            add(
                .unknownMediaKind, .warning,
                "medium \(medium.url) is of unknown kind, so \(name)'s media rules could not be checked for it")
        }
    }

    private mutating func checkKindCount(_ count: Int, limit: Int, singular: String, plural: String) {
        guard count > limit else { return }
        let name = network.displayName
        if limit == 0 {
            add(
                .mediaKind, .error,
                "post has \(count) \(count == 1 ? singular : plural); \(name) does not accept \(plural)",
                limit: 0, measured: count)
        } else {
            add(
                .mediaCount, .error, "post has \(count) \(plural); \(name) allows at most \(limit)",
                limit: limit, measured: count)
        }
    }

    private func mixedKindsDescription(_ images: Int, _ videos: Int, _ documents: Int) -> String {
        var kinds: [String] = []
        if images > 0 { kinds.append("images") }
        if videos > 0 { kinds.append("videos") }
        if documents > 0 { kinds.append("documents") }
        return kinds.count == 2 ? "\(kinds[0]) and \(kinds[1])" : "images, videos and documents"
    }
}
