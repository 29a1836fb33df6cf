import Timestamps

/// Deterministic mentions of a keyword: a few per platform and day, derived from the keyword id.
enum KeywordMentions {
    struct Mention {
        var platform: String
        var publishedAt: Double
        var engagement: Int
        var sentiment: String
        var url: String
        var text: String
        var author: String

        var json: JSONValue {
            [
                "platform": .string(platform), "publishedAt": .string(Timestamp.format(publishedAt)),
                "engagement": .integer(engagement), "sentiment": .string(sentiment), "url": .string(url),
                "text": .string(text),
                "author": [
                    "name": .string(author), "username": .string(author.lowercased()), "profileImageUrl": .null,
                ],
                "likes": .integer(engagement * 7 / 10), "comments": .integer(engagement / 5),
                "shares": .integer(engagement / 10),
            ]
        }
    }

    static func mentions(keywordID: String, text: String, window: AnalyticsWindow) -> [Mention] {
        var result: [Mention] = []
        let sentiments = ["positive", "neutral", "negative"]
        for day in window.days {
            for platform in KeywordHandlers.mentionPlatforms {
                let count = Int(Identifiers.unitNoise("count:\(keywordID):\(platform):\(day)") * 3)
                for index in 0..<count {
                    let key = "\(keywordID):\(platform):\(day):\(index)"
                    let publishedAt = Double(day) * 86400 + Identifiers.unitNoise("time:" + key) * 86400
                    guard publishedAt >= window.start && publishedAt <= window.end else { continue }
                    let sentiment = sentiments[Int(Identifiers.unitNoise("sentiment:" + key) * 3) % 3]
                    let author = "Listener\(Int(Identifiers.unitNoise("author:" + key) * 9000) + 1000)"
                    result.append(
                        Mention(
                            platform: platform, publishedAt: publishedAt,
                            engagement: Int(Identifiers.unitNoise("engagement:" + key) * 800), sentiment: sentiment,
                            url: "https://\(platform).example/mentions/\(Identifiers.derived(key))",
                            text: "Talking about \(text) today", author: author))
                }
            }
        }
        return result
    }

    static func sentimentCounts(_ items: [Mention]) -> JSONValue {
        [
            "positive": .integer(items.filter { $0.sentiment == "positive" }.count),
            "negative": .integer(items.filter { $0.sentiment == "negative" }.count),
            "neutral": .integer(items.filter { $0.sentiment == "neutral" }.count),
        ]
    }

    static func breakdown(_ items: [Mention]) -> JSONValue {
        .object(
            KeywordHandlers.mentionPlatforms.compactMap { platform -> (String, JSONValue)? in
                let onPlatform = items.filter { $0.platform == platform }
                guard !onPlatform.isEmpty else { return nil }
                return (
                    platform,
                    [
                        "mentions": .integer(onPlatform.count),
                        "engagement": .integer(onPlatform.reduce(0) { $0 + $1.engagement }),
                    ]
                )
            })
    }
}
