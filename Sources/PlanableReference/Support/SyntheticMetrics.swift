import Foundation

/// Deterministic analytics: the same inputs always give the same numbers, and totals never shrink over time.
enum SyntheticMetrics {
    /// How long a requested metrics sync runs, in seconds of server clock time.
    static let syncSeconds = 30.0
    /// The first automatic post snapshot is taken this long after publication, then every `snapshotInterval`.
    static let firstSnapshotDelay = 3600.0
    static let snapshotInterval = 6 * 3600.0

    struct PostValues {
        var impressions: Int
        var engagement: Int
        var reactions: Int
        var clicks: Int
        var shares: Int
    }

    /// The time of the latest snapshot of a published post at `now`, or nil before the first one.
    static func latestPostSnapshot(_ post: PostRecord, now: Double) -> Double? {
        guard post.state == "published", let publishedAt = post.publishedAt else { return nil }
        var latest: Double?
        let first = publishedAt + firstSnapshotDelay
        if now >= first {
            latest = first + ((now - first) / snapshotInterval).rounded(.down) * snapshotInterval
        }
        if let synced = post.metricsSyncedAt, synced <= now {
            latest = max(latest ?? synced, synced)
        }
        return latest
    }

    /// A post's cumulative metrics at `time`, growing towards a ceiling that depends on the post id.
    static func post(id: String, publishedAt: Double, at time: Double) -> PostValues {
        let hours = max(0, time - publishedAt) / 3600
        let ceiling = 300 + Identifiers.unitNoise("impressions:" + id) * 9700
        let impressions = Int(ceiling * (1 - exp(-hours / 18)))
        let rate = 0.02 + Identifiers.unitNoise("engagement:" + id) * 0.06
        let engagement = Int(Double(impressions) * rate)
        return PostValues(
            impressions: impressions, engagement: engagement, reactions: engagement * 6 / 10,
            clicks: engagement / 4, shares: engagement / 10)
    }

    /// The document's key for a platform's page metrics, or nil when the platform has no page analytics.
    static func pageMetricsKey(platform: String) -> String? {
        switch platform {
        case "facebook", "instagram", "linkedin", "tiktok", "threads", "youtube": platform
        case "googlebusiness": "googleMyBusiness"
        default: nil
        }
    }

    /// One day's page snapshot values, shaped by `schema` (the document's schema for the platform).
    ///
    /// Numbers whose name says total, followers or subscribers are cumulative and grow every day; the rest are
    /// per-day values. Only required properties are filled, so the shape always matches the document. The values
    /// that depend on each other agree (see `reconcile`), and post and video counts are `publishedPosts`, the
    /// page's posts published that day.
    static func pageDay(pageID: String, day: Int, schema: JSONValue, publishedPosts: Int) -> JSONValue {
        fill(schema, path: pageID, day: day, publishedPosts: publishedPosts)
    }

    /// Returns the page's followers, or subscribers, at the end of `day`, as its page metrics and the own row of its
    /// competitor analytics report them.
    static func pageFollowers(pageID: String, day: Int) -> Int {
        number(name: "followers", key: pageID + ".followers", day: day)
    }

    /// Returns the page's engagement on `day`, as its page metrics and the own row of its competitor analytics
    /// report it.
    static func pageEngagement(pageID: String, day: Int) -> Int {
        number(name: "engagement", key: pageID + ".engagement", day: day)
    }

    private static func fill(_ schema: JSONValue, path: String, day: Int, publishedPosts: Int) -> JSONValue {
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var members: [(String, JSONValue)] = []
        for (name, property) in schema["properties"]?.objectValue ?? [] where required.contains(name) {
            let key = path + "." + name
            switch property["type"]?.stringValue {
            case "object":
                members.append((name, fill(property, path: key, day: day, publishedPosts: publishedPosts)))
            case "boolean":
                members.append((name, .bool(false)))
            case "string":
                members.append((name, .string("USD")))
            default:
                members.append((name, .integer(number(name: name, key: key, day: day))))
            }
        }
        reconcile(&members, path: path, day: day, publishedPosts: publishedPosts)
        return .object(members)
    }

    /// Makes the numbers of one object agree where their names relate them: a day's change of followers (or
    /// subscribers) equals those gained less those lost, and post and video counts are the posts published that
    /// day.
    private static func reconcile(
        _ members: inout [(String, JSONValue)], path: String, day: Int, publishedPosts: Int
    ) {
        func set(_ name: String, _ value: Int) {
            if let index = members.firstIndex(where: { $0.0 == name }) { members[index].1 = .integer(value) }
        }
        func value(_ name: String) -> Int? {
            guard case .integer(let number)? = members.first(where: { $0.0 == name })?.1 else { return nil }
            return Int(number)
        }
        // The page's own object reports one follower count under each name its platform uses, and a day's gained
        // and lost followers agree with it also where the platform reports no count, as Instagram does.
        if !path.contains(".") {
            let followers = pageFollowers(pageID: path, day: day)
            // The count never shrinks, so the change is at least 0 and the gained count covers the lost.
            let change = followers - pageFollowers(pageID: path, day: day - 1)
            for name in ["followers", "totalFollowers", "followers_count", "subscribers", "totalSubscribers"] {
                set(name, followers)
            }
            for (gained, lost) in [("gainedFollowers", "unFollows"), ("subscribersGained", "subscribersLost")] {
                guard value(gained) != nil, let lostCount = value(lost) else { continue }
                set(gained, change + lostCount)
            }
        }
        set("posts", publishedPosts)
        set("videos", publishedPosts)
    }

    private static func number(name: String, key: String, day: Int) -> Int {
        let lowered = name.lowercased()
        let cumulative =
            (lowered.contains("total") || lowered.contains("followers") || lowered.contains("subscribers")
                || lowered == "followers_count")
            && !lowered.contains("gained") && !lowered.contains("lost") && !lowered.contains("unfollow")
            && !lowered.contains("non")
        if cumulative {
            let base = 1000 + Identifiers.unitNoise("base:" + key) * 50_000
            let growth = 2 + Identifiers.unitNoise("growth:" + key) * 40
            return Int(base + growth * Double(max(0, day - 20_000)))
        }
        return Int(Identifiers.unitNoise("\(key):\(day)") * 500)
    }

    /// Days since 1970-01-01 for Unix seconds.
    static func dayNumber(_ seconds: Double) -> Int {
        Int((seconds / 86400).rounded(.down))
    }
}
