import Testing

@testable import Networks

/// X's weighted length, checked against cases of the twitter-text 3 conformance suite
/// (`conformance/validate.yml`, section `WeightedTweetsWithDiscountedEmojiCounterTest`).
@Suite struct TwitterTextTests {
    private static let poem =
        "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。朱雀桥边野草花，乌衣巷口夕阳斜。旧时王谢堂前燕，飞入寻常百姓家。"
        + "朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。泪湿罗巾梦不成，夜深前殿按歌声。红颜未老恩先断，斜倚薰笼坐到明。"
        + "独在异乡为异客，每逢佳节倍思亲。遥知兄弟登高处，遍插茱萸少一人。"

    private static let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"

    static let conformanceCases: [(String, String, Int)] = [
        ("Regular Tweet with url", "Hi http://test.co", 26),
        ("Just url", "http://test.co", 23),
        ("Long tweet, overflow at char index 280", "285 chars-" + String(repeating: "xxxxxxxxxx-", count: 25), 285),
        (
            "Long tweet with url in the middle",
            "285 chars- http://www.twitter.com/jack " + String(repeating: "xxxxxxxxxx-", count: 24), 299
        ),
        (
            "Long tweet with url at the end",
            String(repeating: "xxxxxxxxxx-", count: 24) + " http://www.twitter.com/jack ", 289
        ),
        ("10 url string, no overflow", String(repeating: "https://www.twitter.com/aloha ", count: 10), 240),
        ("160 CJK char", poem, 320),
        ("160 emoji char", String(repeating: "😷", count: 160), 320),
        ("3 latin char + 160 CJK char", "the" + poem, 323),
        ("'Á' is normalized into 1 char", "A\u{301}B", 2),
        ("שּׁ is normalized into 3 chars", "A\u{FB2C}", 4),
        ("mix of single and double word characters", "H🐱☺" + family, 7),
        ("emoji inside the basic multilingual plane", "😷👾😡🔥💩", 10),
        ("emoji with skin tone modifiers", "🙋🏽👨\u{200D}🎤", 4),
        (
            "General Punctuation Characters, no ZWJ/ZWNJ",
            "This is a tweet with general punctuation characters: \u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}"
                + "\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}\u{200B} ‐ ‑ ‒ – — ― ‖  ‗ ‘ ’ ‚ ‛ “ ” „ ‟ ′ ″ ‴ ‵ ‶ ‷", 110
        ),
        (
            "64 character domain without protocol",
            "randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com", 68
        ),
        ("140 family emoji", String(repeating: family, count: 140), 280),
    ]

    @Test(arguments: conformanceCases)
    func conformanceCase(description: String, text: String, expected: Int) {
        #expect(TwitterText.weightedLength(text) == expected, "\(description)")
    }

    @Test(arguments: [
        ("https://example.com/path/to/resource?search=foo&lang=en", 23),
        ("test.com", 23),
        ("www.example.com", 23),
        ("foo.co.jp", 23),
        ("Test https://test.com test https://test.com test.com test", 5 + 23 + 6 + 23 + 1 + 23 + 5),
        ("see (https://example.com/a).", 5 + 23 + 2),
        ("https://en.wikipedia.org/wiki/Swift_(programming_language)", 23),
        ("mail me at ann@example.com", 11 + 3 + 1 + 11),
        ("ftp://example.com", 17),
        ("http://localhost/x", 18),
        ("http://192.168.0.1/index.html", 23),
        ("node.js", 7),
    ])
    func urlWeighting(text: String, expected: Int) {
        #expect(TwitterText.weightedLength(text) == expected, "\(text)")
    }

    @Test func keycapsAndFlagsCountTwo() {
        #expect(TwitterText.weightedLength("1\u{FE0F}\u{20E3}") == 2)
        #expect(TwitterText.weightedLength("🇩🇪") == 2)
        #expect(TwitterText.weightedLength("❤\u{FE0F}") == 2)
        #expect(TwitterText.weightedLength("#1") == 2)
    }

    @Test func latinAndCJKWeights() {
        #expect(TwitterText.weightedLength(String(repeating: "a", count: 280)) == 280)
        #expect(TwitterText.weightedLength(String(repeating: "の", count: 140)) == 280)
        #expect(TwitterText.weightedLength("저찀쯿쿿") == 8)
        #expect(TwitterText.weightedLength("\u{10000}\u{10FFFF}") == 4)
    }
}
