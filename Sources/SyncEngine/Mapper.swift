import Foundation
import Networks
import PlanableAPI
import Templates
import Timestamps
import YAML

/// An item that the mapping cannot turn into posts: a template error, a per-network limit, a missing field.
package struct MappingError: Error, Sendable, CustomStringConvertible {
    package var message: String
    /// True when the configuration is at fault (exit code 78) rather than the item (65).
    package var isConfigurationError: Bool

    package init(_ message: String, isConfigurationError: Bool = false) {
        self.message = message
        self.isConfigurationError = isConfigurationError
    }

    package var description: String { message }
}

/// A medium after its check: the URL a post refers to and what kind of file it is.
package struct CheckedMedium: Sendable, Equatable {
    package var url: String
    package var kind: MediaKind
}

/// The plan for one item: its groups, or the reason it is skipped.
package struct ItemPlan: Sendable {
    package var groups: [PlannedGroup] = []
    /// The item's URL as the templates render it: the source's `link` rendered for the item, or else the item's
    /// own.
    package var url: String?
    package var skipReason: String?
    package var warnings: [String] = []
}

/// Turns source items into planned posts: picks each item's pages by rules and overrides, renders each page's
/// templates, checks each network's limits, and groups pages whose payloads are equal.
package struct Mapper: Sendable {
    let configuration: Configuration
    let context: WorkspaceContext
    let templates: CompiledTemplates

    /// Compiles every template of the configuration, so a syntax error stops the run before any item.
    ///
    /// - Throws: `MappingError` with `isConfigurationError` set, naming the template, line and column.
    package init(configuration: Configuration, context: WorkspaceContext) throws {
        self.configuration = configuration
        self.context = context
        templates = try CompiledTemplates(configuration: configuration)
        // A `templates` key that matches no page and no network would be ignored, so a typo is an error.
        let networks = Network.known.map(\.platform) + context.allPages.map(\.platform)
        for key in configuration.templates.keys.sorted()
        where !networks.contains(key) && context.page(named: key) == nil {
            throw MappingError(
                "\(configuration.path): templates.\(key) names neither a page of workspace \"\(context.workspace.name)\" "
                    + "nor a network; use a page name or one of \(Network.known.map(\.platform).joined(separator: ", "))",
                isConfigurationError: true)
        }
    }

    /// Returns a warning when a file's front matter `expiryDate` has passed, as of today in `timeZone`: Hugo no
    /// longer publishes such a page, so the post would link to a page that is gone. The file is still posted,
    /// because the date may have been left in the front matter by mistake.
    static func expiryWarning(for item: SourceItem, now: Date, timeZone: TimeZone) -> String? {
        guard !item.location.contains("://"), case .mapping(let pairs) = item.fields,
            let value = pairs.first(where: { $0.0 == "expiryDate" || $0.0 == "expirydate" })?.1,
            case .string(let text) = value
        else { return nil }
        let day = text.trimmingCharacters(in: .whitespaces).prefix(10)
        let today = Timestamp.formatDay(now.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: now)))
        guard day.count == 10, day.allSatisfy({ $0.isNumber || $0 == "-" }), day < today else { return nil }
        return "the front matter's expiryDate \(day) has passed, so Hugo no longer publishes the page and the post's "
            + "link may lead nowhere; remove expiryDate, or skip the file with draft: true"
    }

    /// Returns a folder item's URL when its source has a `link` template, whose rendered form is `link`. The front
    /// matter's own URL wins, because Hugo's `url` and Jekyll's `permalink` set the page's address. A path that
    /// starts with `/` takes the scheme and host of `link`. A feed entry always has a link of its own, which the
    /// template replaces.
    static func pageURL(of item: SourceItem, link: String) -> String {
        guard !item.location.contains("://"), let own = item.url, !own.isEmpty else { return link }
        if own.contains("://") { return own }
        guard own.hasPrefix("/"), !own.hasPrefix("//"), var origin = URLComponents(string: link), origin.host != nil
        else { return link }
        origin.percentEncodedPath = ""
        origin.percentEncodedQuery = nil
        origin.percentEncodedFragment = nil
        return (origin.string ?? "") + own
    }

    /// Returns why `item` is skipped, by its front matter or by a rule, or nil when it is posted. The engine calls
    /// this before it checks the item's media, so that a skipped item's media is never requested.
    package func skipReason(for item: SourceItem) throws -> String? {
        if try overrides(for: item).skip { return "front matter sets planable.skip" }
        let rule = configuration.rules.first { $0.skip && $0.match.matches(item) }
        return rule.map { "rule \"\($0.name)\" skips it" }
    }

    /// Plans the posts for `item`, with `media` already checked and mapped to public URLs.
    ///
    /// - Throws: `MappingError` naming the item, the page, the rule and the limit it breaks.
    package func plan(_ item: SourceItem, media: [CheckedMedium], now: Date = Date()) throws -> ItemPlan {
        var plan = ItemPlan()
        if let reason = try skipReason(for: item) {
            plan.skipReason = reason
            return plan
        }
        let overrides = try overrides(for: item)
        let matching = configuration.rules.filter { $0.match.matches(item) }

        var values = templateValues(for: item)
        if let link = templates.links[item.source] {
            values["url"] = .string(Self.pageURL(of: item, link: try render(link, values, item: item, page: nil)))
        }
        plan.url = values["url"]?.scalarText ?? item.url
        let pages = pages(for: item, matching: matching, overrides: overrides)
        var groups: [PlannedGroup] = []
        // Every page is checked, so one message lists all the limits an item breaks.
        var violations: [String] = []
        for page in pages {
            let rule = matching.first { covers($0, page) }
            var (payload, warnings, scheduleBeforeDate) = try payload(
                for: item, page: page, rule: rule, matching: matching, overrides: overrides, values: values,
                media: media, now: now)
            if let expired = Self.expiryWarning(for: item, now: now, timeZone: context.timeZone) {
                warnings.append(expired)
            }
            if let url = values["url"]?.scalarText, url.contains(where: \.isWhitespace), payload.text.contains(url) {
                // Networks end a link at the first space, so the post would link to a page that does not exist.
                warnings.append(
                    "the link \"\(url)\" contains a space, so the post's link ends before it; give the file a url in "
                        + "its front matter, or build the source's link template from slug")
            }
            do {
                warnings += try check(
                    &payload, page: page, rule: rule, media: media, url: values["url"]?.scalarText,
                    isFeedEntry: item.isFeedEntry)
            } catch let error as MappingError {
                violations.append(error.message)
                continue
            }
            let hashBeforeDate = scheduleBeforeDate.map { schedule in
                var before = payload
                before.scheduledAt = schedule.scheduledAt
                before.publishAtScheduledDate = schedule.publishAtScheduledDate
                return (hash: before.hash, askedToPublish: schedule.publishAtScheduledDate == true)
            }
            // A create takes at most 20 pages, so further pages with an equal payload start another group.
            let index =
                groups.firstIndex {
                    $0.payload == payload && $0.pages.count < CreatePostRequest.maximumPageIds
                } ?? groups.count
            if index == groups.count {
                groups.append(PlannedGroup(pages: [], payload: payload, warnings: warnings))
            }
            groups[index].pages.append(page)
            if let hashBeforeDate {
                groups[index].hashesBeforeDate[hashBeforeDate.hash] = hashBeforeDate.askedToPublish
            }
        }
        if !violations.isEmpty {
            throw MappingError("\(item.source): \(item.location): " + violations.joined(separator: "; "))
        }
        plan.groups = groups
        return plan
    }

    /// Reads the item's front matter overrides and checks the pages they name.
    ///
    /// - Throws: `MappingError` naming the item and every wrong key or page.
    private func overrides(for item: SourceItem) throws -> ItemOverrides {
        let overrides = ItemOverrides(item.overrides)
        var problems = overrides.problems
        for name in overrides.pages ?? [] where context.page(named: name) == nil {
            let known = context.allPages.map { "\"\($0.name)\"" }.joined(separator: ", ")
            problems.append(
                "front matter planable.pages names \"\(name)\", which is not a page of workspace "
                    + "\"\(context.workspace.name)\"; its pages are \(known)")
        }
        guard problems.isEmpty else {
            throw MappingError("\(item.source): \(item.location): " + problems.joined(separator: "; "))
        }
        return overrides
    }

    /// The item's pages: the override's, else the union of the matching rules' (in configuration order), else the
    /// configuration's `pages`.
    private func pages(for item: SourceItem, matching: [MappingRule], overrides: ItemOverrides) -> [ResolvedPage] {
        // `overrides(for:)` has checked that each named page exists.
        if let names = overrides.pages { return names.compactMap { context.page(named: $0) } }
        guard !matching.isEmpty else { return context.pages }
        var result: [ResolvedPage] = []
        for rule in matching {
            let pages = rule.pages.map { names in names.compactMap { context.page(named: $0) } } ?? context.pages
            for page in pages where !result.contains(page) { result.append(page) }
        }
        return result
    }

    /// Whether `rule` applies to `page`: the page is among the rule's `pages`, or among the configuration's
    /// `pages` when the rule names none.
    private func covers(_ rule: MappingRule, _ page: ResolvedPage) -> Bool {
        guard let names = rule.pages else { return context.pages.contains(page) }
        return names.contains(page.id) || names.contains(page.name)
    }

    /// The schedule fields of a payload as they were before its date passed.
    private struct ScheduleFields {
        var scheduledAt: String?
        var publishAtScheduledDate: Bool?
    }

    /// Renders one page's payload from its rule, the other matching rules' labels and the item's overrides.
    ///
    /// - Returns: the payload, its warnings, and when its schedule date is past, the schedule fields it had before
    ///   that date, which a post created then carries.
    private func payload(
        for item: SourceItem, page: ResolvedPage, rule: MappingRule?, matching: [MappingRule], overrides: ItemOverrides,
        values: [String: TemplateValue], media: [CheckedMedium], now: Date
    ) throws -> (PostPayload, [String], ScheduleFields?) {
        var warnings: [String] = []
        var scheduleBeforeDate: ScheduleFields?
        let template = rule.flatMap { templates.rules[$0.name] } ?? templates.page(page)
        var payload = PostPayload(
            text: Self.trimmed(try render(template, values, item: item, page: page)))
        payload.media = media.map(\.url)

        var labels: [String] = []
        for candidate in matching where covers(candidate, page) {
            for label in candidate.labels where !labels.contains(label) { labels.append(label) }
        }
        for label in overrides.labels where !labels.contains(label) { labels.append(label) }
        payload.labels = labels
        payload.campaign = overrides.campaign ?? rule?.campaign
        payload.teamOnly = rule?.teamOnly

        func field(_ source: String?, _ name: String) throws -> String? {
            guard let source, let rule else { return nil }
            let template = try templates.field(rule: rule.name, field: name, source: source)
            let text = Self.trimmed(try render(template, values, item: item, page: page))
            return text.isEmpty ? nil : text
        }
        let firstComment = try field(rule?.firstComment, "first_comment")
        let internalNote = try field(rule?.internalNote, "internal_note")
        payload.firstComment = overrides.firstComment ?? firstComment
        payload.internalNote = overrides.internalNote ?? internalNote
        let network = Network(platform: page.platform)
        if network == .youtube { payload.youtubeTitle = try field(rule?.youtubeTitle, "youtube_title") }
        if network == .linkedin {
            payload.linkedinPdfTitle = try field(rule?.linkedinDocumentTitle, "linkedin_document_title")
            payload.linkedinVideoTitle = try field(rule?.linkedinVideoTitle, "linkedin_video_title")
        }
        if network == .pinterest, let pinterest = rule?.pinterest {
            payload.pinterest = PinterestFields(
                boardId: pinterest.board, title: try field(pinterest.title, "pinterest.title"),
                link: try field(pinterest.link, "pinterest.link"),
                description: try field(pinterest.description, "pinterest.description"))
        }

        if overrides.unschedule {
            payload.scheduledAt = nil
        } else if let text = overrides.schedule {
            guard let date = ScheduleResolver.parseOverride(text, timeZone: context.timeZone) else {
                throw MappingError(
                    "\(item.source): \(item.location): front matter planable.schedule \"\(text)\" is not a date and time; write 2026-12-24 09:00 or an RFC 3339 time"
                )
            }
            if date <= now && rule?.schedule?.keepPast != true {
                // A stale date would otherwise publish at once when the rule sets publish: true.
                scheduleBeforeDate = ScheduleFields(
                    scheduledAt: ScheduleResolver.format(date), publishAtScheduledDate: rule?.schedule?.publish)
                warnings.append(
                    "front matter planable.schedule \(ScheduleResolver.format(date)) is in the past, so the post is "
                        + "not scheduled")
            } else {
                payload.scheduledAt = ScheduleResolver.format(date)
                payload.publishAtScheduledDate = rule?.schedule?.publish
            }
        } else if let schedule = rule?.schedule {
            // Hugo publishes a page at its publishDate, which may follow the date it was written.
            let (value, note) = ScheduleResolver.scheduledAt(
                date: item.publishDate ?? item.date,
                dateHasTime: item.publishDate != nil ? item.publishDateHasTime : item.dateHasTime, rule: schedule,
                timeZone: context.timeZone, now: now)
            payload.scheduledAt = value
            if value != nil { payload.publishAtScheduledDate = schedule.publish }
            if let note { warnings.append(note) }
            if value == nil, item.publishDate ?? item.date != nil {
                let (before, _) = ScheduleResolver.scheduledAt(
                    date: item.publishDate ?? item.date,
                    dateHasTime: item.publishDate != nil ? item.publishDateHasTime : item.dateHasTime, rule: schedule,
                    timeZone: context.timeZone, now: .distantPast)
                scheduleBeforeDate = ScheduleFields(scheduledAt: before, publishAtScheduledDate: schedule.publish)
            }
        }
        // With keep_past, a past date stays the post's date, but Planable publishes only at a time to come and
        // rejects a request to publish at a past one. An update sends false, so that a post created
        // to publish at that date no longer does once a reviewer approves it late.
        if payload.publishAtScheduledDate == true, let text = payload.scheduledAt, let date = Timestamp.date(text),
            date <= now
        {
            scheduleBeforeDate = ScheduleFields(scheduledAt: text, publishAtScheduledDate: true)
            payload.publishAtScheduledDate = false
            warnings.append(
                "the schedule \(text) is in the past, so the post keeps it as its date (keep_past) but is not "
                    + "published at it")
        }
        return (payload, warnings, scheduleBeforeDate)
    }

    /// Applies the network's rules: truncates when allowed, and throws for every error a network would reject and
    /// for every field over a limit of the API's request body, with a message that names the page, the rule and
    /// each limit.
    private func check(
        _ payload: inout PostPayload, page: ResolvedPage, rule: MappingRule?, media: [CheckedMedium], url: String?,
        isFeedEntry: Bool = false
    ) throws -> [String] {
        // A post with neither text nor media has nothing to publish, and such a text usually comes from a template
        // whose every section tested a field that the item lacks.
        if payload.text.isEmpty && media.isEmpty {
            let template = rule?.template != nil ? "rules.\(rule?.name ?? "").template" : "the template"
            throw MappingError(
                "page \"\(page.name)\": \(template) renders no text for this item, which has no media either, so its "
                    + "post would be empty; check the template's variables and sections against the item's fields")
        }
        let network = Network(platform: page.platform)
        var warnings: [String] = []
        var media = media
        let truncating = rule?.truncate ?? configuration.truncate
        if truncating {
            let fitted = Self.fitMedia(media, rules: NetworkRules.rules(for: network).media)
            if fitted.count < media.count {
                let leftOut = media.count - fitted.count
                warnings.append(
                    "\(leftOut) of \(media.count) media left out to fit \(network.displayName)'s limits on the number and "
                        + "kinds of media; the first ones are kept")
                media = fitted
                payload.media = fitted.map(\.url)
            }
            // The link is kept only when the template put it in the text; truncation never adds one.
            let link = url.flatMap { !$0.isEmpty && payload.text.contains($0) ? $0 : nil }
            // Facebook allows more text than the API's request body, so the API's limit applies too.
            let shortened = NetworkCheck.truncate(
                payload.text, keeping: link, toFit: network, maximumScalars: RequestFieldLimits.text)
            if shortened != payload.text {
                let rules = NetworkRules.rules(for: network)
                let unit = rules.textCounting.unit
                let overNetwork = rules.textLimit.map { NetworkCheck.count(payload.text, network: network) > $0 }
                let reason = overNetwork == true ? network.displayName : "the Planable API's limit"
                warnings.append(
                    "text cut from \(NetworkCheck.count(payload.text, network: network)) to "
                        + "\(NetworkCheck.count(shortened, network: network)) \(unit) to fit \(reason)")
                payload.text = shortened
            }
        }
        let draft = PostDraft(
            text: payload.text, media: media.map { PostMedium(url: $0.url, kind: $0.kind) },
            youtubeTitle: payload.youtubeTitle, pinterestBoardId: payload.pinterest?.boardId,
            pinterestTitle: payload.pinterest?.title, linkedinDocumentTitle: payload.linkedinPdfTitle,
            firstComment: payload.firstComment)
        let violations = NetworkCheck.check(draft, network: network)
        let ruleText = rule.map { " (rule \"\($0.name)\")" } ?? ""
        let errors = violations.filter { $0.severity == .error }
        let requestErrors = RequestFieldLimits.violations(payload, reported: Set(errors.map(\.rule)))
        if !errors.isEmpty || !requestErrors.isEmpty {
            let descriptions = errors.map { error in
                error.description
                    + Self.settingHint(error, network: network, truncating: truncating, isFeedEntry: isFeedEntry)
            }
            let details = (descriptions + requestErrors).joined(separator: "; ")
            throw MappingError("page \"\(page.name)\"\(ruleText): \(details)")
        }
        return warnings + violations.filter { $0.severity == .warning }.map(\.description)
    }

    /// Returns the first of `media`, in their order, that fit the network's limits on images, videos, documents,
    /// media in all and mixing kinds. With `truncate`, a gallery thus keeps its first 4 pictures on X instead of
    /// failing the item.
    static func fitMedia(_ media: [CheckedMedium], rules: MediaRules) -> [CheckedMedium] {
        func limit(_ kind: MediaKind) -> Int {
            switch kind {
            case .image: rules.maxImages
            case .video: rules.maxVideos
            case .document: rules.maxDocuments
            case .unknown: Int.max
            }
        }
        // The kind kept where kinds may not mix is the first that the network takes, so that a thumbnail before a
        // clip does not crowd the clip out on YouTube, which takes no image.
        let visual: Set<MediaKind> = [.image, .video]
        let firstVisualKind = media.first { visual.contains($0.kind) && limit($0.kind) > 0 }?.kind
        var fitting: [CheckedMedium] = []
        var counts: [MediaKind: Int] = [:]
        for medium in media where fitting.count < rules.maxItems {
            if !rules.allowsMixedKinds, visual.contains(medium.kind), medium.kind != firstVisualKind { continue }
            guard counts[medium.kind, default: 0] < limit(medium.kind) else { continue }
            counts[medium.kind, default: 0] += 1
            fitting.append(medium)
        }
        return fitting
    }

    /// Returns the setting that resolves `violation`, in parentheses, or an empty string when no setting does.
    static func settingHint(
        _ violation: NetworkViolation, network: Network, truncating: Bool = false, isFeedEntry: Bool = false
    ) -> String {
        switch (violation.rule, network) {
        case (.mediaRequired, _) where isFeedEntry:
            // A feed entry has no front matter, and no rule can tell entries with media from those without.
            " (set content_images: first on the feed's source to post the first picture of an entry's text, or "
                + "leave the page out of the rules that apply to the feed)"
        case (.textLength, _) where !truncating:
            " (set truncate: true, in the configuration or in a rule for the page, to cut the text to fit, or shorten "
                + "the template or the item)"
        case (.mediaCount, _) where !truncating:
            " (set truncate: true, in the configuration or in a rule for the page, to keep the first ones)"
        case (.mediaRequired, _):
            // Every page of a configuration gets every item, so a text-only item meets a page that needs media often.
            " (add one to the item, or leave the page out for such items with front matter planable.pages or a "
                + "rule's pages)"
        case (.requiredField, .pinterest) where violation.message.hasPrefix("Pinterest board"):
            " (set pinterest: {board: BOARD_ID} in a rule that applies to the page)"
        case (.requiredField, .youtube) where violation.message.hasPrefix("YouTube title"):
            " (set youtube_title in a rule that applies to the page)"
        case (.requiredField, .linkedin) where violation.message.hasPrefix("LinkedIn document title"):
            " (set linkedin_document_title in a rule that applies to the page)"
        default:
            ""
        }
    }

    func render(
        _ template: Template, _ values: [String: TemplateValue], item: SourceItem, page: ResolvedPage?
    ) throws
        -> String
    {
        do {
            return try template.render(TemplateValue(values))
        } catch {
            let pageText = page.map { " for page \"\($0.name)\"" } ?? ""
            throw MappingError("\(item.source): \(item.location): cannot render\(pageText): \(error)")
        }
    }
}

extension Mapper {
    /// Returns the text without leading and trailing white space and line breaks, as
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives, without the copy through `NSString` that made it
    /// a tenth of the engine's time per item on Linux.
    ///
    /// Foundation's set is Unicode's White_Space plus the zero-width space, U+200B.
    static func trimmed(_ text: String) -> String {
        let blank: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace || $0.value == 0x200B }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !blank($0) }), let last = scalars.lastIndex(where: { !blank($0) })
        else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(text[first...last])
    }
}
