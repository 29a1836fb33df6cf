/// One parameter of an operation, as the document declares it.
package struct OpenAPIParameter: Sendable {
    package enum Location: String, Sendable {
        case query, path, header
    }

    package var name: String
    package var location: Location
    package var required: Bool
    package var schema: JSONValue
}

/// One operation of the document: a method on a path template.
///
/// A class, so that matching a request passes a reference instead of copying a dozen fields per candidate.
package final class OpenAPIOperation: Sendable {
    package let method: String
    /// The path template relative to the server URL, such as `/posts/{id}`.
    package let template: String
    package let segments: [String]
    package let parameters: [OpenAPIParameter]
    /// The JSON request body schema with references resolved, when the operation takes a body.
    package let bodySchema: JSONValue?
    /// Whether a read token gets 403, because the security requirement names the `write` scope or the method is
    /// POST, PATCH or DELETE.
    package let requiresWrite: Bool
    package let summary: String
    package let description: String
    /// The documented response status codes, such as `["200", "400"]`.
    package let statusCodes: [String]
    /// The operation's name in fault rules and statistics: method and template, such as `POST /posts`.
    package let key: String
    /// The number of literal (non-parameter) segments, used to prefer `/posts/count` over `/posts/{id}`.
    let literalCount: Int

    init(
        method: String, template: String, segments: [String], parameters: [OpenAPIParameter], bodySchema: JSONValue?,
        requiresWrite: Bool, summary: String, description: String, statusCodes: [String]
    ) {
        self.method = method
        self.template = template
        self.segments = segments
        self.parameters = parameters
        self.bodySchema = bodySchema
        self.requiresWrite = requiresWrite
        self.summary = summary
        self.description = description
        self.statusCodes = statusCodes
        key = "\(method) \(template)"
        literalCount = segments.filter { !$0.hasPrefix("{") }.count
    }
}

/// The result of matching a request path against the document's templates.
package enum OpenAPIRouteMatch: Sendable {
    case operation(OpenAPIOperation, pathParameters: [String: String])
    /// The path exists, but not with this method; `allowed` lists the methods it has.
    case methodNotAllowed(allowed: [String])
    case notFound
}

/// The parsed OpenAPI document with its operations, for routing and validation.
package final class OpenAPIDocument: Sendable {
    package let root: JSONValue
    package let operations: [OpenAPIOperation]
    /// The embedded document text, served as is.
    package let text: String
    /// The operations whose template has no parameter, by key, such as `GET /posts`. An exact match there is the
    /// route, because no template has more literal segments than a template made only of them.
    private let literalRoutes: [String: OpenAPIOperation]

    /// The document compiled into the binary.
    package static let embedded: OpenAPIDocument = {
        do {
            return try OpenAPIDocument(text: openAPIDocumentText)
        } catch {
            fatalError("the embedded OpenAPI document is invalid: \(error)")
        }
    }()

    /// Parses `text` and collects every operation under `paths`.
    ///
    /// - Throws: `JSONParseError` when the text is not JSON.
    package init(text: String) throws {
        self.text = text
        let root = try JSONParser.parse(text)
        self.root = root
        var operations: [OpenAPIOperation] = []
        for (template, item) in root["paths"]?.objectValue ?? [] {
            for (method, operation) in item.objectValue ?? [] {
                guard ["get", "post", "put", "patch", "delete"].contains(method) else { continue }
                operations.append(Self.operation(method: method.uppercased(), template: template, operation, root))
            }
        }
        self.operations = operations
        var literalRoutes: [String: OpenAPIOperation] = [:]
        for operation in operations where operation.literalCount == operation.segments.count {
            literalRoutes[operation.key] = operation
        }
        self.literalRoutes = literalRoutes
    }

    private static let writeMethods: Set<String> = ["POST", "PATCH", "DELETE"]

    private static func operation(
        method: String, template: String, _ operation: JSONValue, _ root: JSONValue
    ) -> OpenAPIOperation {
        let parameters = (operation["parameters"]?.arrayValue ?? []).compactMap { parameter -> OpenAPIParameter? in
            guard let name = parameter["name"]?.stringValue,
                let location = parameter["in"]?.stringValue.flatMap(OpenAPIParameter.Location.init(rawValue:))
            else { return nil }
            return OpenAPIParameter(
                name: name, location: location, required: parameter["required"]?.boolValue ?? false,
                schema: resolve(parameter["schema"] ?? .object([]), root))
        }
        let body = operation["requestBody"]?["content"]?["application/json"]?["schema"].map { resolve($0, root) }
        let scopes = (operation["security"]?.arrayValue ?? []).flatMap { requirement in
            (requirement.objectValue ?? []).flatMap { $0.1.arrayValue ?? [] }.compactMap(\.stringValue)
        }
        // POST /posts lists no scope in its security requirement, yet creating a post is a write like every
        // other POST, PATCH and DELETE, which the rate limiter also counts as writes.
        let writes = scopes.contains("write") || writeMethods.contains(method)
        return OpenAPIOperation(
            method: method, template: template, segments: pathSegments(template), parameters: parameters,
            bodySchema: body, requiresWrite: writes,
            summary: operation["summary"]?.stringValue ?? "", description: operation["description"]?.stringValue ?? "",
            statusCodes: (operation["responses"]?.objectValue ?? []).map(\.0))
    }

    /// Replaces every `$ref` to `#/components/...` with the schema it names.
    package static func resolve(_ schema: JSONValue, _ root: JSONValue, depth: Int = 0) -> JSONValue {
        guard depth < 32 else { return schema }
        switch schema {
        case .object(let members):
            if let reference = schema["$ref"]?.stringValue, reference.hasPrefix("#/") {
                var target: JSONValue? = root
                for part in reference.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
                return target.map { resolve($0, root, depth: depth + 1) } ?? schema
            }
            return .object(members.map { ($0.0, resolve($0.1, root, depth: depth + 1)) })
        case .array(let items):
            return .array(items.map { resolve($0, root, depth: depth + 1) })
        default:
            return schema
        }
    }

    /// Finds the operation for `method` and `path`, where `path` is relative to the server URL.
    package func match(method: String, path: String) -> OpenAPIRouteMatch {
        if let operation = literalRoutes[method + " " + path] { return .operation(operation, pathParameters: [:]) }
        let segments = Self.pathSegments(path)
        var best: (OpenAPIOperation, [String: String])?
        var allowed: [String] = []
        var bestForPath = -1
        for operation in operations where operation.segments.count == segments.count {
            guard let parameters = Self.bind(operation.segments, to: segments) else { continue }
            // A literal template such as /posts/count hides /posts/{id} for every method of /posts/count.
            if operation.literalCount > bestForPath {
                bestForPath = operation.literalCount
                allowed = []
                best = nil
            } else if operation.literalCount < bestForPath {
                continue
            }
            allowed.append(operation.method)
            if operation.method == method { best = (operation, parameters) }
        }
        if let best { return .operation(best.0, pathParameters: best.1) }
        if method == "HEAD", allowed.contains("GET") {
            return match(method: "GET", path: path)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// The operation with the given key, such as `GET /posts`.
    package func operation(key: String) -> OpenAPIOperation? {
        operations.first { $0.key == key }
    }

    private static func bind(_ template: [String], to segments: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (pattern, segment) in zip(template, segments) {
            if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                guard !segment.isEmpty else { return nil }
                parameters[String(pattern.dropFirst().dropLast())] = segment
            } else if pattern != segment {
                return nil
            }
        }
        return parameters
    }

    static func pathSegments(_ path: String) -> [String] {
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") && trimmed.count > 1 { trimmed = trimmed.dropLast() }
        return trimmed.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }
}
