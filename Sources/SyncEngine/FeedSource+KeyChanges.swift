import Feeds

extension FeedSource {
    /// Describes a key change that the intake found, for the engine that moves the entry's records.
    static func identityChange(_ change: FeedIntake.KeyChange) -> IdentityChange {
        let evidence =
            switch change.evidence {
            case .earlierKeyForm: "the key that earlier versions derived from its link"
            case .link: "the same link"
            case .idForm: "the same id up to its scheme, www. prefix, case or trailing slash"
            case .titleAndDate: "the same title and date"
            }
        return IdentityChange(
            identity: change.newKey, previousIdentity: change.knownKey, evidence: evidence,
            isRoutine: change.evidence == .earlierKeyForm)
    }

    /// Returns the report message of an entry recorded without a post, or nil when no reason applies.
    ///
    /// - Parameter uncertainMatch: the key of the known entry whose title the entry has, when the intake held the
    ///   entry back because it may be that entry under a changed link.
    func baselineMessage(isNewFeed: Bool, uncertainMatch: String?, policy: FeedIntake.RewritePolicy) -> String? {
        if let known = uncertainMatch {
            return "recorded without a post: it may be known entry \(known), which left the feed, under a new id or "
                + "link, since it has that entry's link or title, and nothing shows whether it is that entry"
        }
        if isNewFeed {
            if backfill == 0 {
                return "recorded without a post: from a new feed, only entries that appear after its first read are "
                    + "posted (backfill: 0)"
            }
            let newest = backfill == 1 ? "its newest entry" : "its \(backfill) newest entries"
            return "recorded without a post: the first read of a new feed posts only \(newest) (backfill: \(backfill))"
        }
        guard policy == .baseline else { return nil }
        return "recorded without a post, as on_rewrite: baseline asks; no single known entry that left the feed "
            + "has its link, its id up to its form, or its title and date (none does, or several do), so no earlier "
            + "draft was moved to this entry, and if it had one, that draft no longer gets its edits"
    }
}
