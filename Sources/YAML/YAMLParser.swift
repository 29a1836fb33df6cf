import CYAML

/// A YAML document that libyaml could not parse, or that breaks a limit.
package struct YAMLError: Error, CustomStringConvertible, Equatable {
    package var message: String
    /// The position where libyaml found the problem, such as the end of the text for an unclosed quote.
    package var mark: YAMLMark
    /// The start of the construct that libyaml was reading, such as the opening quote of a quoted scalar, when it
    /// differs from `mark`. `message` names it too.
    package var contextMark: YAMLMark?
    /// The change to make, for one of libyaml's frequent problems. `message` ends with it, after a semicolon.
    package var hint: String?

    /// The message without `hint`, for callers that join the hint with advice of their own.
    package var messageWithoutHint: String {
        guard let hint, message.hasSuffix("; " + hint) else { return message }
        return String(message.dropLast(hint.count + 2))
    }

    package var description: String { "line \(mark.line), column \(mark.column): \(message)" }
}

/// Parses YAML text into `YAMLNode` trees with libyaml's event API.
package enum YAMLParser {
    /// The most nodes that one document may expand to, aliases included, so an alias bomb fails fast.
    package static let maximumNodes = 1_000_000
    /// The deepest nesting of lists and mappings accepted.
    package static let maximumDepth = 256

    /// Parses the first document of `text`; an empty text gives a null scalar.
    ///
    /// - Parameter lineOffset: added to every reported line, for YAML embedded after other lines.
    /// - Throws: `YAMLError` with the position of the problem.
    package static func parse(_ text: String, lineOffset: Int = 0) throws -> YAMLNode {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(message: "cannot initialize the YAML parser", mark: YAMLMark(line: 1, column: 1))
        }
        defer { yaml_parser_delete(&parser) }

        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder(lineOffset: lineOffset)
            return try builder.run(&parser)
        }
    }

    /// The change to make for each of libyaml's most frequent problems, by the start of the problem's text.
    /// libyaml states what it found, which names no cause: most often an indentation that differs from the lines
    /// above, a tab, or a value with `: ` or a leading special character that needs quotes.
    static let hints: [(problem: String, hint: String)] = [
        (
            "found character that cannot start any token",
            "indent with spaces, since YAML allows no tabs there, and quote a value that starts with @ or `"
        ),
        ("found a tab character", "indent with spaces, since YAML allows no tabs there"),
        (
            "mapping values are not allowed",
            "quote a value that contains \": \", and indent each key like the keys beside it"
        ),
        (
            "did not find expected key",
            "indent this line like the other keys of its mapping, and quote a value that starts with a quote, "
                + "bracket or brace and goes on after it"
        ),
        ("did not find expected '-' indicator", "indent this line like the other items of its list"),
        (
            "could not find expected ':'",
            "add `: ` after the key, start a list item with `- `, or quote a value that goes on over several lines"
        ),
        ("did not find expected ',' or ']'", "close the list with ], and quote an item that contains a comma"),
        ("did not find expected ',' or '}'", "close the mapping with }, and quote a value that contains a comma"),
        ("found unexpected end of stream", "close the quote"),
        (
            "block sequence entries are not allowed",
            "start each list item on a line of its own, indented under its key"
        ),
    ]

    private struct Builder {
        enum Frame {
            case sequence([YAMLNode], mark: YAMLMark, anchor: String?)
            case mapping([(key: YAMLNode, value: YAMLNode)], pendingKey: YAMLNode?, mark: YAMLMark, anchor: String?)
        }

        let lineOffset: Int
        var stack: [Frame] = []
        var anchors: [String: YAMLNode] = [:]
        var nodeCount = 0
        var root: YAMLNode?

        init(lineOffset: Int) {
            self.lineOffset = lineOffset
        }

        func mark(_ raw: yaml_mark_t) -> YAMLMark {
            YAMLMark(line: Int(raw.line) + 1 + lineOffset, column: Int(raw.column) + 1)
        }

        mutating func run(_ parser: inout yaml_parser_t) throws -> YAMLNode {
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw parserError(parser)
                }
                defer { yaml_event_delete(&event) }
                let position = mark(event.start_mark)

                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return root ?? .scalar(YAMLScalar(text: "", isPlain: true, mark: position))
                case YAML_DOCUMENT_END_EVENT:
                    // Only the first document matters: front matter and configuration are single documents.
                    return root ?? .scalar(YAMLScalar(text: "", isPlain: true, mark: position))
                case YAML_SCALAR_EVENT:
                    let data = event.data.scalar
                    let text = String(
                        decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
                    let tag = data.tag.map { String(cString: $0) }
                    let scalar = YAMLScalar(
                        text: text, isPlain: data.plain_implicit == 1 && data.style == YAML_PLAIN_SCALAR_STYLE,
                        tag: tag, mark: position)
                    try add(.scalar(scalar), anchor: data.anchor.map { String(cString: $0) }, at: position)
                case YAML_ALIAS_EVENT:
                    let name = String(cString: event.data.alias.anchor)
                    guard let node = anchors[name] else {
                        throw YAMLError(message: "unknown alias *\(name)", mark: position)
                    }
                    nodeCount += Self.size(of: node)
                    try add(node, anchor: nil, at: position)
                case YAML_SEQUENCE_START_EVENT:
                    try push(
                        .sequence(
                            [], mark: position, anchor: event.data.sequence_start.anchor.map { String(cString: $0) }),
                        at: position)
                case YAML_MAPPING_START_EVENT:
                    try push(
                        .mapping(
                            [], pendingKey: nil, mark: position,
                            anchor: event.data.mapping_start.anchor.map { String(cString: $0) }), at: position)
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = stack.popLast() else { continue }
                    switch frame {
                    case .sequence(let items, let start, let anchor):
                        try add(.sequence(items, mark: start), anchor: anchor, at: position)
                    case .mapping(let pairs, _, let start, let anchor):
                        try add(.mapping(Self.mergingKeys(pairs), mark: start), anchor: anchor, at: position)
                    }
                default:
                    continue
                }
            }
        }

        mutating func push(_ frame: Frame, at position: YAMLMark) throws {
            guard stack.count < YAMLParser.maximumDepth else {
                throw YAMLError(message: "nesting deeper than \(YAMLParser.maximumDepth) levels", mark: position)
            }
            stack.append(frame)
        }

        mutating func add(_ node: YAMLNode, anchor: String?, at position: YAMLMark) throws {
            nodeCount += 1
            guard nodeCount <= YAMLParser.maximumNodes else {
                throw YAMLError(
                    message: "document expands to more than \(YAMLParser.maximumNodes) nodes (alias expansion?)",
                    mark: position)
            }
            if let anchor { anchors[anchor] = node }
            guard let top = stack.popLast() else {
                if root == nil { root = node }
                return
            }
            switch top {
            case .sequence(var items, let mark, let anchor):
                items.append(node)
                stack.append(.sequence(items, mark: mark, anchor: anchor))
            case .mapping(var pairs, let pendingKey, let mark, let anchor):
                if let pendingKey {
                    // YAML 1.2 requires unique keys. libyaml does not check them, and a repeated key would otherwise
                    // hide one of its values without a word.
                    if let key = pendingKey.scalarValue, key.text != "<<",
                        let earlier = pairs.first(where: { $0.key.scalarValue?.text == key.text })?.key.scalarValue
                    {
                        throw YAMLError(
                            message: "the key \"\(key.text)\" appears twice in one mapping, at lines "
                                + "\(earlier.mark.line) and \(key.mark.line); keep one of them",
                            mark: key.mark)
                    }
                    pairs.append((key: pendingKey, value: node))
                    stack.append(.mapping(pairs, pendingKey: nil, mark: mark, anchor: anchor))
                } else {
                    stack.append(.mapping(pairs, pendingKey: node, mark: mark, anchor: anchor))
                }
            }
        }

        /// Applies YAML merge keys (`<<: *base`): the merged pairs come first and explicit keys override them.
        static func mergingKeys(_ pairs: [(key: YAMLNode, value: YAMLNode)]) -> [(key: YAMLNode, value: YAMLNode)] {
            guard pairs.contains(where: { $0.key.scalarValue?.text == "<<" && $0.key.scalarValue?.isPlain == true })
            else { return pairs }
            var merged: [(key: YAMLNode, value: YAMLNode)] = []
            var explicit: [(key: YAMLNode, value: YAMLNode)] = []
            for pair in pairs {
                if pair.key.scalarValue?.text == "<<" {
                    let sources = pair.value.sequenceValue ?? [pair.value]
                    for source in sources { merged.append(contentsOf: source.mappingValue ?? []) }
                } else {
                    explicit.append(pair)
                }
            }
            let explicitKeys = Set(explicit.compactMap { $0.key.scalarValue?.text })
            var seen = Set<String>()
            var result: [(key: YAMLNode, value: YAMLNode)] = []
            for pair in merged {
                let key = pair.key.scalarValue?.text ?? ""
                if explicitKeys.contains(key) || !seen.insert(key).inserted { continue }
                result.append(pair)
            }
            return result + explicit
        }

        static func size(of node: YAMLNode) -> Int {
            switch node {
            case .scalar: 1
            case .sequence(let items, _): 1 + items.reduce(0) { $0 + size(of: $1) }
            case .mapping(let pairs, _): 1 + pairs.reduce(0) { $0 + size(of: $1.key) + size(of: $1.value) }
            }
        }

        /// Builds the error from libyaml's problem and context, for example "found unexpected end of stream while
        /// scanning a quoted scalar that starts at line 2, column 8", so an unclosed quote names where it opens.
        func parserError(_ parser: yaml_parser_t) -> YAMLError {
            let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
            let position = mark(parser.problem_mark)
            let found = YAMLParser.hints.first { problem.hasPrefix($0.problem) }?.hint
            let hint = found.map { "; " + $0 } ?? ""
            guard let context = parser.context.map({ String(cString: $0) }) else {
                return YAMLError(message: problem + hint, mark: position, hint: found)
            }
            // Contexts such as "while scanning for the next token" are marked where the problem is.
            let contextStart = mark(parser.context_mark)
            guard contextStart != position else {
                return YAMLError(message: "\(problem) \(context)\(hint)", mark: position, hint: found)
            }
            let startText = "line \(contextStart.line), column \(contextStart.column)"
            return YAMLError(
                message: "\(problem) \(context) that starts at \(startText)\(hint)", mark: position,
                contextMark: contextStart, hint: found)
        }
    }
}
