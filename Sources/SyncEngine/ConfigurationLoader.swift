import Content
import Feeds
import Foundation
import HTTPClient
import Logging
import Templates
import YAML

extension Configuration {
    /// The keys the top level accepts; any other key is an error, so a typo never goes unnoticed.
    private static let topLevelKeys: Set<String> = [
        "state", "api", "workspace", "pages", "template", "templates", "sources", "notify", "delete_drafts",
        "log_level",
        "rules", "create_labels", "check_media", "truncate", "overwrite_planable_edits", "update_approved",
        "status_read_budget",
        "status_interval",
        "api_timeout", "rescan_interval", "delete_grace_period",
    ]

    /// Reads and validates the configuration file at `path`.
    ///
    /// - Throws: `ConfigurationError` naming the file, the line and column, and what to change.
    package static func load(path: String) throws -> Configuration {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigurationError(path: path, message: "the file is not valid UTF-8 text")
            }
            text = decoded
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(path: path, message: unreadableFileMessage(path, error))
        }
        return try parse(text, path: path)
    }

    /// Returns why the configuration file at `path` cannot be read, in the system's words where Foundation's would
    /// be vague, and what to do.
    private static func unreadableFileMessage(_ path: String, _ error: any Error) -> String {
        var status = stat()
        if stat(path, &status) != 0 {
            let reason = String(cString: strerror(errno))
            return "the configuration file cannot be read (\(reason)); check the path, or pass --config PATH"
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            return "the path is a folder, not a configuration file; pass --config with the file's path"
        }
        if access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno))
            return "the configuration file cannot be read (\(reason)); give this user read access to it"
        }
        return "the configuration file cannot be read (\(error.localizedDescription)); check that this user may "
            + "read it, or pass --config PATH"
    }

    /// Parses configuration `text`; `path` names the file in errors and anchors relative paths.
    ///
    /// - Throws: `ConfigurationError` for the first problem in file order. Its `further` lists the other problems,
    ///   found by reading every setting that does not depend on an invalid one.
    package static func parse(_ text: String, path: String) throws -> Configuration {
        let root: YAMLNode
        do {
            root = try YAMLParser.parse(text)
        } catch let error as YAMLError {
            throw ConfigurationError(
                path: path, line: error.mark.line, column: error.mark.column, message: "invalid YAML: \(error.message)")
        }
        guard let pairs = root.mappingValue else {
            throw ConfigurationError(path: path, at: root, "the configuration must be a mapping of settings")
        }
        let reader = NodeReader(path: path)
        var problems: [ConfigurationError] = []
        func read<T>(_ body: () throws -> T?) -> T? { reader.collect(body, into: &problems) }
        for pair in pairs {
            let key = pair.key.string ?? ""
            if !topLevelKeys.contains(key) {
                let guess = TemplateCheck.closestName(key, among: topLevelKeys).map { "did you mean \"\($0)\"? " }
                problems.append(
                    ConfigurationError(
                        path: path, at: pair.key,
                        "unknown setting \"\(key)\"; \(guess ?? "")known settings are "
                            + topLevelKeys.sorted().joined(separator: ", ")))
            }
        }

        let workspace = read { try reader.requiredString(root, "workspace") } ?? ""
        let pages = read { try reader.stringList(root, "pages") }
        if pages?.isEmpty == true {
            problems.append(
                ConfigurationError(path: path, at: root["pages"] ?? root, "\"pages\" must name at least one page"))
        }
        var templates: [String: String] = [:]
        if let node = root["templates"] {
            if let entries = node.mappingValue {
                for entry in entries {
                    let name = entry.key.string ?? ""
                    templates[name] = read { try reader.string(entry.value, "templates.\(name)") }
                }
            } else {
                problems.append(
                    ConfigurationError(
                        path: path, at: node, "\"templates\" must map page names or networks to templates"))
            }
        }
        var sources: [SourceConfiguration] = []
        // The node of each source in `sources`, for the lines of the problems found after all are read.
        var readSourceNodes: [YAMLNode] = []
        if let sourceNodes = root["sources"]?.sequenceValue, !sourceNodes.isEmpty {
            // Names are compared also for sources with problems, so that one run lists a repeated name as well.
            var names: Set<String> = []
            for node in sourceNodes {
                if let name = node["name"]?.string, !name.isEmpty, !names.insert(name).inserted {
                    problems.append(
                        ConfigurationError(
                            path: path, at: node, "two sources are named \"\(name)\"; give each a unique name"))
                }
                guard let source = read({ try reader.source(node) }) else { continue }
                sources.append(source)
                readSourceNodes.append(node)
            }
        } else {
            problems.append(
                ConfigurationError(
                    path: path, at: root["sources"] ?? root, "\"sources\" must list at least one source"))
        }

        let api = read { try reader.api(root["api"]) }
        var configuration = Configuration(
            path: path, statePath: "", api: api ?? .embedded(EmbeddedOptions()), workspace: workspace,
            pages: pages ?? [],
            template: read { try root["template"].map { try reader.string($0, "template") } } ?? defaultTemplate,
            templates: templates, sources: sources,
            notify: read { try reader.bool(root["notify"], "notify") } ?? false,
            deleteDrafts: read { try reader.bool(root["delete_drafts"], "delete_drafts") } ?? false,
            logLevel: read { try reader.logLevel(root["log_level"]) })
        // Rules with problems are left out of the configuration, but their templates are still checked.
        var rulesWithProblems: [MappingRule] = []
        if let ruleNodes = root["rules"] {
            if let items = ruleNodes.sequenceValue {
                var rules: [(rule: MappingRule, node: YAMLNode)] = []
                // Names are compared as written, so that rules with other problems still count.
                var ruleNames = Set<String>()
                for (index, item) in items.enumerated() {
                    // A rule without a name gets the one that `rule(_:index:)` gives it.
                    let name = item["name"]?.string ?? "rule \(index + 1)"
                    if !ruleNames.insert(name).inserted {
                        problems.append(
                            ConfigurationError(
                                path: path, at: item, "two rules are named \"\(name)\"; give each a unique name"))
                    }
                    var ruleProblems: [ConfigurationError] = []
                    let rule = reader.rule(item, index: index, problems: &ruleProblems)
                    guard ruleProblems.isEmpty else {
                        problems += ruleProblems
                        rulesWithProblems.append(rule)
                        continue
                    }
                    rules.append((rule, item))
                }
                // A rule that names a source with an invalid entry gets no second error for that name.
                let known = Set(sources.map(\.name))
                let names = (root["sources"]?.sequenceValue ?? []).compactMap { $0["name"]?.string }
                let named = Set(names)
                for (rule, node) in rules {
                    for name in rule.match.sources where !known.contains(name) && !named.contains(name) {
                        problems.append(
                            ConfigurationError(
                                path: path, at: node["match"] ?? node,
                                "rule \"\(rule.name)\" matches source \"\(name)\", which is not a configured source; "
                                    + "sources are \(names.map { "\"\($0)\"" }.joined(separator: ", "))"))
                    }
                }
                configuration.rules = rules.map(\.rule)
            } else {
                problems.append(ConfigurationError(path: path, at: ruleNodes, "\"rules\" must be a list of rules"))
            }
        }
        configuration.createLabels = read { try reader.bool(root["create_labels"], "create_labels") } ?? false
        configuration.checkMedia = read { try reader.bool(root["check_media"], "check_media") } ?? true
        configuration.truncate = read { try reader.bool(root["truncate"], "truncate") } ?? false
        configuration.overwritesPlanableEdits =
            read { try reader.bool(root["overwrite_planable_edits"], "overwrite_planable_edits") } ?? false
        configuration.updatesApprovedPosts =
            read { try reader.bool(root["update_approved"], "update_approved") } ?? false
        // Reads the number at `key` with `value`, and records `problem` when `isValid` rejects it.
        func number<T>(
            _ key: String, _ value: (YAMLNode?, String) throws -> T?, where isValid: (T) -> Bool, else problem: String
        ) -> T? {
            guard let found = read({ try value(root[key], key) }) else { return nil }
            guard isValid(found) else {
                problems.append(ConfigurationError(path: path, at: root[key], "\"\(key)\" must \(problem)"))
                return nil
            }
            return found
        }
        if let budget = number("status_read_budget", reader.integer, where: { $0 >= 0 }, else: "not be negative") {
            configuration.statusReadBudget = budget
        }
        if let interval = number("status_interval", reader.number, where: { $0 >= 0 }, else: "not be negative") {
            configuration.statusInterval = interval
        }
        if let interval = number(
            "rescan_interval", reader.number, where: { $0 == 0 || $0 >= 1 },
            else: "be 0 (no periodic rescan) or at least 1 second, such as 600")
        {
            configuration.rescanInterval = interval
        }
        if let grace = number(
            "delete_grace_period", reader.number, where: { $0 >= 0 },
            else: "be 0 (delete at once) or a positive number of seconds, such as 30")
        {
            configuration.deleteGracePeriod = grace
        }
        if let timeout = number(
            "api_timeout", reader.number, where: { $0 > 0 }, else: "be a positive number of seconds, such as 30")
        {
            configuration.apiTimeout = timeout
        }
        let state = read { try root["state"].map { try reader.string($0, "state") } }
        configuration.sources = configuration.sources.map(configuration.resolvingPaths)
        problems += SourceOverlap.repeatedSources(configuration.sources, nodes: readSourceNodes, path: path)
        if !problems.isEmpty {
            // A configuration with problems is not loaded, so `check` cannot compile its templates later. Their
            // syntax errors join the other problems instead, so that one run lists them all.
            var withEveryRule = configuration
            withEveryRule.rules += rulesWithProblems
            for (name, source) in TemplateCheck.templateSources(withEveryRule) {
                do {
                    _ = try Template(name: name, source: source)
                } catch {
                    let node = NodeReader.templateNode(name, in: root)
                    problems.append(ConfigurationError(path: path, at: node, "\(error)"))
                }
            }
            // Problems in file order, so that a person fixes them from the top.
            let sorted = problems.enumerated().sorted { left, right in
                let leftLine = left.element.line ?? Int.max
                let rightLine = right.element.line ?? Int.max
                return leftLine != rightLine ? leftLine < rightLine : left.offset < right.offset
            }.map(\.element)
            var first = sorted[0]
            first.further = Array(sorted.dropFirst())
            throw first
        }
        configuration.statePath = configuration.resolve(state ?? "planable-sync.sqlite")
        return configuration
    }

    /// Returns `source` with its folder, or its feed file written without a scheme, taken from the
    /// configuration's folder.
    private func resolvingPaths(_ source: SourceConfiguration) -> SourceConfiguration {
        var resolved = source
        switch source.kind {
        case .directory(let directory, let include, let exclude):
            resolved.kind = .directory(path: resolve(directory), include: include, exclude: exclude)
        case .feed(let url, let backfill, let pollInterval, let share) where !URLResolver.hasScheme(url):
            // A feed file written without a scheme is a path, taken from the configuration's folder.
            let fileURL = URL(fileURLWithPath: resolve(url)).absoluteString
            resolved.kind = .feed(url: fileURL, backfill: backfill, pollInterval: pollInterval, maximumNewShare: share)
        case .feed:
            break
        }
        return resolved
    }
}

/// Typed access to configuration nodes, with errors that point at the node.
private struct NodeReader {
    let path: String

    func error(_ node: YAMLNode?, _ message: String) -> ConfigurationError {
        ConfigurationError(path: path, at: node, message)
    }

    /// Returns the node of the template setting that `TemplateCheck.templateSources` calls `name`, such as
    /// `rules.NAME.first_comment` or `sources.NAME.link`, for the line of its error.
    static func templateNode(_ name: String, in root: YAMLNode) -> YAMLNode? {
        if name == "template" { return root["template"] }
        if name.hasPrefix("templates.") { return root["templates"]?[String(name.dropFirst("templates.".count))] }
        for (list, keyed) in [("rules", "rules."), ("sources", "sources.")] where name.hasPrefix(keyed) {
            for node in root[list]?.sequenceValue ?? [] {
                guard let itemName = node["name"]?.string, name.hasPrefix(keyed + itemName + ".") else { continue }
                let path = name.dropFirst(keyed.count + itemName.count + 1).split(separator: ".").map(String.init)
                return path.reduce(Optional(node)) { found, key in found?[key] }
            }
        }
        return nil
    }

    /// Runs one setting's reader and adds its errors to `problems` instead of throwing, so that the settings after
    /// it are read too.
    func collect<T>(_ body: () throws -> T?, into problems: inout [ConfigurationError]) -> T? {
        do {
            return try body()
        } catch let error as ConfigurationError {
            problems += error.problems
        } catch {
            problems.append(ConfigurationError(path: path, message: "\(error)"))
        }
        return nil
    }

    func string(_ node: YAMLNode, _ name: String) throws -> String {
        guard let scalar = node.scalarValue, !scalar.isNull else {
            throw error(node, "\"\(name)\" must be text, not \(node.kindDescription)")
        }
        return scalar.text
    }

    func requiredString(_ parent: YAMLNode, _ key: String) throws -> String {
        guard let node = parent[key] else { throw error(parent, "missing required setting \"\(key)\"") }
        let value = try string(node, key)
        if value.isEmpty { throw error(node, "\"\(key)\" must not be empty") }
        return value
    }

    func bool(_ node: YAMLNode?, _ name: String) throws -> Bool? {
        guard let node else { return nil }
        guard case .bool(let value) = node.value else {
            throw error(node, "\"\(name)\" must be true or false")
        }
        return value
    }

    func integer(_ node: YAMLNode?, _ name: String) throws -> Int? {
        guard let node else { return nil }
        guard case .integer(let value) = node.value else { throw error(node, "\"\(name)\" must be a whole number") }
        return value
    }

    func number(_ node: YAMLNode?, _ name: String) throws -> Double? {
        guard let node else { return nil }
        switch node.value {
        case .integer(let value): return Double(value)
        case .double(let value): return value
        default: throw error(node, "\"\(name)\" must be a number")
        }
    }

    func stringList(_ parent: YAMLNode, _ key: String) throws -> [String] {
        guard let node = parent[key] else { return [] }
        if let scalar = node.string { return [scalar] }
        guard let items = node.sequenceValue else { throw error(node, "\"\(key)\" must be a list of names") }
        return try items.map { try string($0, key) }
    }

    func api(_ node: YAMLNode?) throws -> APIEndpoint {
        guard let node else { return .embedded(EmbeddedOptions()) }
        if let word = node.string {
            guard word == "embedded" else {
                throw error(node, "\"api\" must be \"embedded\" or a mapping with \"url\" and a token setting")
            }
            return .embedded(EmbeddedOptions())
        }
        guard node.mappingValue != nil else { throw error(node, "\"api\" must be \"embedded\" or a mapping") }
        if let embedded = node["embedded"] {
            try checkKeys(node, ["embedded"], setting: "api")
            try checkKeys(embedded, Self.embeddedKeys, setting: "api.embedded")
            var options = EmbeddedOptions()
            options.readsPerMinute = try integer(embedded["reads_per_minute"], "api.embedded.reads_per_minute") ?? 600
            options.writesPerMinute =
                try integer(embedded["writes_per_minute"], "api.embedded.writes_per_minute") ?? 120
            options.windowSeconds = try number(embedded["window_seconds"], "api.embedded.window_seconds") ?? 60
            guard options.windowSeconds >= 1 else {
                throw error(embedded["window_seconds"], "\"api.embedded.window_seconds\" must be at least 1")
            }
            for (key, limit) in [
                ("reads_per_minute", options.readsPerMinute), ("writes_per_minute", options.writesPerMinute),
            ] where limit <= 0 {
                throw error(
                    embedded[key],
                    "\"api.embedded.\(key)\" must be a positive number of requests per minute, such as "
                        + "\(key == "reads_per_minute" ? 600 : 120), not \(limit)")
            }
            return .embedded(options)
        }
        try checkKeys(node, Self.apiKeys, setting: "api")
        let url = try requiredString(node, "url")
        guard let parsed = URL(string: url), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil
        else {
            throw error(node["url"], "\"api.url\" must be an http or https URL, such as https://api.planable.io/api/v1")
        }
        let token = TokenSource(
            file: try node["token_file"].map { try string($0, "api.token_file") },
            environmentVariable: try node["token_env"].map { try string($0, "api.token_env") },
            credential: try node["token_credential"].map { try string($0, "api.token_credential") })
        if token.file == nil && token.environmentVariable == nil && token.credential == nil {
            throw error(node, "\"api\" needs \"token_file\", \"token_env\" or \"token_credential\" to find the token")
        }
        return .remote(url: url, token: token)
    }

    static let ruleKeys: Set<String> = [
        "name", "match", "pages", "template", "labels", "campaign", "schedule", "first_comment", "internal_note",
        "team_only", "youtube_title", "linkedin_document_title", "linkedin_video_title", "pinterest", "truncate",
        "skip",
    ]

    static let matchKeys: Set<String> = [
        "source", "sources", "path", "paths", "tag", "tags", "category", "categories", "fields",
    ]
    static let scheduleKeys: Set<String> = ["time", "publish", "keep_past"]
    static let pinterestKeys: Set<String> = ["board", "title", "link", "description"]
    static let directorySourceKeys: Set<String> = [
        "name", "type", "path", "include", "exclude", "link", "media_base_url", "allow_empty", "max_removed_share",
    ]
    static let feedSourceKeys: Set<String> = [
        "name", "type", "url", "backfill", "poll_interval", "max_new_share", "on_rewrite", "link", "media_base_url",
        "content_images",
    ]
    static let apiKeys: Set<String> = ["url", "token_file", "token_env", "token_credential"]
    static let embeddedKeys: Set<String> = ["reads_per_minute", "writes_per_minute", "window_seconds"]

    /// Reads `log_level`, which must name one of the logger's levels.
    func logLevel(_ node: YAMLNode?) throws -> String? {
        guard let node else { return nil }
        let text = try string(node, "log_level")
        guard LogLevel(name: text) != nil else {
            throw error(node, "\"log_level\" must be one of \(LogLevel.nameList), not \"\(text)\"")
        }
        return text
    }

    /// Throws for the keys of the mapping `node` that are not in `known`, naming `setting` and every such key, at
    /// the position of the first, so that one run shows all the typos of a mapping.
    func checkKeys(_ node: YAMLNode, _ known: Set<String>, setting: String) throws {
        let unknown = (node.mappingValue ?? []).map(\.key).filter { !known.contains($0.string ?? "") }
        guard let first = unknown.first else { return }
        let names = unknown.map { "\"\($0.string ?? "")\"" }.joined(separator: ", ")
        let noun = unknown.count == 1 ? "setting" : "settings"
        let guesses = unknown.compactMap { key -> (name: String, guess: String)? in
            guard let name = key.string, let guess = TemplateCheck.closestName(name, among: known) else { return nil }
            return (name, guess)
        }
        // One unknown key needs only the guess. With several, each guess names the key that it replaces.
        let hint =
            switch (unknown.count, guesses.count) {
            case (_, 0): ""
            case (1, _): "did you mean \"\(guesses[0].guess)\"? "
            default:
                "did you mean "
                    + guesses.map { "\"\($0.guess)\" instead of \"\($0.name)\"" }.joined(separator: ", and ") + "? "
            }
        throw error(
            first,
            "unknown \(setting) \(noun) \(names); \(hint)known settings are \(known.sorted().joined(separator: ", "))")
    }

    /// Reads one rule, adding each of its problems to `problems`. Every setting that does not depend on an invalid
    /// one is read, so that one load lists all of the rule's problems, and the rule's templates can be checked even
    /// when other settings have problems.
    func rule(_ node: YAMLNode, index: Int, problems: inout [ConfigurationError]) -> MappingRule {
        let fallbackName = node["name"]?.string ?? "rule \(index + 1)"
        guard node.mappingValue != nil else {
            problems.append(error(node, "each rule must be a mapping"))
            return MappingRule(name: fallbackName)
        }
        func collect<T>(_ body: () throws -> T?) -> T? { self.collect(body, into: &problems) }
        _ = collect { try checkKeys(node, Self.ruleKeys, setting: "rule") }
        let name = collect { try node["name"].map { try string($0, "rules.name") } }
        var rule = MappingRule(name: name ?? "rule \(index + 1)")
        if let match = node["match"] {
            rule.match = readMatch(match, into: &problems)
        }
        if node["pages"] != nil { rule.pages = collect { try stringList(node, "pages") } }
        rule.template = collect { try node["template"].map { try string($0, "template") } }
        rule.labels = collect { try stringList(node, "labels") } ?? []
        rule.campaign = collect { try node["campaign"].map { try string($0, "campaign") } }
        if let schedule = node["schedule"] {
            if case .bool(let enabled) = schedule.value {
                if enabled { rule.schedule = ScheduleRule() }
            } else if schedule.mappingValue == nil {
                problems.append(
                    error(schedule, "\"schedule\" must be true, false or a mapping with \"time\" and \"publish\""))
            } else {
                rule.schedule = readSchedule(schedule, into: &problems)
            }
        }
        rule.firstComment = collect { try node["first_comment"].map { try string($0, "first_comment") } }
        rule.internalNote = collect { try node["internal_note"].map { try string($0, "internal_note") } }
        rule.teamOnly = collect { try bool(node["team_only"], "team_only") }
        rule.youtubeTitle = collect { try node["youtube_title"].map { try string($0, "youtube_title") } }
        rule.linkedinDocumentTitle = collect {
            try node["linkedin_document_title"].map { try string($0, "linkedin_document_title") }
        }
        rule.linkedinVideoTitle = collect {
            try node["linkedin_video_title"].map { try string($0, "linkedin_video_title") }
        }
        if let pinterest = node["pinterest"] {
            rule.pinterest = collect { try readPinterest(pinterest) }
        }
        rule.truncate = collect { try bool(node["truncate"], "truncate") }
        rule.skip = collect { try bool(node["skip"], "skip") } ?? false
        return rule
    }

    /// Reads a rule's `match` mapping, adding each of its problems to `problems`, so that an unknown key and a bad
    /// value are reported together.
    private func readMatch(_ match: YAMLNode, into problems: inout [ConfigurationError]) -> RuleMatch {
        var rule = RuleMatch()
        guard match.mappingValue != nil else {
            problems.append(error(match, "\"match\" must be a mapping"))
            return rule
        }
        collect({ try checkKeys(match, Self.matchKeys, setting: "match") }, into: &problems)
        func list(_ single: String, _ plural: String) -> [String] {
            (collect({ try stringList(match, single) }, into: &problems) ?? [])
                + (collect({ try stringList(match, plural) }, into: &problems) ?? [])
        }
        rule.sources = list("source", "sources")
        rule.paths = list("path", "paths")
        rule.tags = list("tag", "tags")
        rule.categories = list("category", "categories")
        guard let fields = match["fields"] else { return rule }
        guard let entries = fields.mappingValue else {
            problems.append(error(fields, "\"match.fields\" must be a mapping"))
            return rule
        }
        for entry in entries {
            guard let value = entry.value.scalarValue, !value.isNull else {
                problems.append(
                    error(
                        entry.value,
                        "\"match.fields.\(entry.key.string ?? "")\" must be one value, or \"*\" for any value"))
                continue
            }
            // Both sides compare as plain text, so `featured: true` matches a front matter boolean.
            rule.fields[entry.key.string ?? ""] = entry.value.value.plainText
        }
        return rule
    }

    /// Reads a schedule mapping, adding each of its problems to `problems`, so that an unknown key and a bad time
    /// are reported together.
    private func readSchedule(_ schedule: YAMLNode, into problems: inout [ConfigurationError]) -> ScheduleRule {
        var value = ScheduleRule()
        collect({ try checkKeys(schedule, Self.scheduleKeys, setting: "schedule") }, into: &problems)
        if let time = schedule["time"], let text = collect({ try string(time, "schedule.time") }, into: &problems) {
            value.timeOfDay = text
            if ScheduleResolver.parseTimeOfDay(text) == nil {
                problems.append(error(time, "\"schedule.time\" must be a time of day such as 09:30"))
            }
        }
        value.publish = collect({ try bool(schedule["publish"], "schedule.publish") }, into: &problems) ?? false
        value.keepPast = collect({ try bool(schedule["keep_past"], "schedule.keep_past") }, into: &problems) ?? false
        return value
    }

    private func readPinterest(_ pinterest: YAMLNode) throws -> PinterestRule {
        guard pinterest.mappingValue != nil else {
            throw error(
                pinterest,
                "\"pinterest\" must be a mapping with \"board\" and optional \"title\", \"link\", \"description\"")
        }
        try checkKeys(pinterest, Self.pinterestKeys, setting: "pinterest")
        return PinterestRule(
            board: try requiredString(pinterest, "board"),
            title: try pinterest["title"].map { try string($0, "pinterest.title") },
            link: try pinterest["link"].map { try string($0, "pinterest.link") },
            description: try pinterest["description"].map { try string($0, "pinterest.description") })
    }

    /// Reads one source. Every setting that does not depend on an invalid one is read, so that the error lists
    /// all of the source's problems, each in `further` after the first.
    func source(_ node: YAMLNode) throws -> SourceConfiguration {
        guard node.mappingValue != nil else {
            throw error(node, "each source must be a mapping with \"name\" and \"type\"")
        }
        var problems: [ConfigurationError] = []
        func collect<T>(_ body: () throws -> T?) -> T? { self.collect(body, into: &problems) }
        let name = collect { try requiredString(node, "name") }
        let type = collect { try requiredString(node, "type") }
        var kind: SourceConfiguration.Kind?
        switch type {
        case nil:
            break
        case "directory":
            collect { try checkKeys(node, Self.directorySourceKeys, setting: "directory source") }
            let include = collect { try stringList(node, "include") } ?? []
            let exclude = collect { try stringList(node, "exclude") } ?? []
            if let path = collect({ try requiredString(node, "path") }) {
                kind = .directory(
                    path: path, include: include.isEmpty ? DirectoryScanner.defaultInclude : include, exclude: exclude)
            }
        case "feed":
            collect { try checkKeys(node, Self.feedSourceKeys, setting: "feed source") }
            let share = collect { try fraction(node, "max_new_share") } ?? 0.5
            let backfill = collect { try integer(node["backfill"], "backfill") } ?? 0
            if backfill < 0 {
                problems.append(error(node["backfill"], "\"backfill\" must be 0 or more, not \(backfill)"))
            }
            let pollInterval = collect { try number(node["poll_interval"], "poll_interval") } ?? 900
            if pollInterval < 0 {
                problems.append(
                    error(node["poll_interval"], "\"poll_interval\" must be a number of seconds, 0 or more"))
            }
            if let url = collect({ try feedURL(node) }) {
                kind = .feed(url: url, backfill: backfill, pollInterval: pollInterval, maximumNewShare: share)
            }
        case let other?:
            problems.append(error(node["type"], "unknown source type \"\(other)\"; use \"directory\" or \"feed\""))
        }
        var source = SourceConfiguration(
            name: name ?? "", kind: kind ?? .directory(path: "", include: [], exclude: []),
            urlTemplate: collect { try node["link"].map { try string($0, "link") } },
            mediaBaseURL: collect { try node["media_base_url"].map { try string($0, "media_base_url") } })
        if case .directory = kind {
            source.allowsEmpty = collect { try bool(node["allow_empty"], "allow_empty") } ?? false
            source.maximumRemovedShare = collect { try fraction(node, "max_removed_share") } ?? 0.5
        }
        if let value = collect({ try node["content_images"].map { try string($0, "content_images") } }) {
            if let images = ContentImages(rawValue: value) {
                source.contentImages = images
            } else {
                problems.append(
                    error(node["content_images"], "\"content_images\" must be none, first or all, not \"\(value)\""))
            }
        }
        switch collect({ try node["on_rewrite"].map { try string($0, "on_rewrite") } }) {
        case nil, "reject": break
        case "baseline": source.baselinesRewrites = true
        case let other?:
            problems.append(error(node["on_rewrite"], "\"on_rewrite\" must be reject or baseline, not \"\(other)\""))
        }
        if var first = problems.first {
            first.further = Array(problems.dropFirst())
            throw first
        }
        return source
    }

    /// Reads the number at `key` of `node`, nil when it is missing, which must be between 0 and 1.
    private func fraction(_ node: YAMLNode, _ key: String) throws -> Double? {
        guard let share = try number(node[key], key) else { return nil }
        guard (0...1).contains(share) else { throw error(node[key], "\"\(key)\" must be between 0 and 1") }
        return share
    }

    /// Reads a feed source's `url`: an http or https URL with a host, a file URL, or a path without a scheme.
    private func feedURL(_ node: YAMLNode) throws -> String {
        let url = try requiredString(node, "url")
        guard URLResolver.hasScheme(url) else { return url }
        // Messages show the URL with the password of its userinfo redacted.
        let shownURL = URLCredentials.redactingPassword(in: url)
        let scheme = url.prefix { $0 != ":" }.lowercased()
        if let delimiter = URLCredentials.delimiterInPassword(of: url) {
            let encoded = ["/": "%2F", "?": "%3F", "#": "%23"][delimiter] ?? ""
            throw error(
                node["url"],
                "the password in \"url\" \(shownURL) contains \"\(delimiter)\", which ends a URL's host name; write it "
                    + "as \(encoded)")
        }
        let parsed = URL(string: url)
        let valid =
            scheme == "file" || ((scheme == "http" || scheme == "https") && parsed?.host?.isEmpty == false)
        guard valid else {
            throw error(
                node["url"],
                "\"url\" must be an http, https or file URL, or a file path, not \"\(shownURL)\"; planable-sync reads "
                    + "feeds over HTTP or from files only")
        }
        // Foundation encodes a space as %20, but libcurl rejects the URL at every fetch.
        if let space = url.unicodeScalars.first(where: { $0.properties.isWhitespace || $0.value < 0x20 }) {
            let name = space == " " ? "a space" : "the character U+\(String(space.value, radix: 16, uppercase: true))"
            throw error(
                node["url"],
                "\"url\" \(shownURL) contains \(name), which a URL may not contain; write a space as %20")
        }
        if let port = URLComponents(string: url)?.port, !(1...65535).contains(port) {
            throw error(node["url"], "\"url\" \(shownURL) has the invalid port \(port); use a port from 1 to 65535")
        }
        return url
    }
}
