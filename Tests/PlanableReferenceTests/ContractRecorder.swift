import Foundation
import Testing

@testable import PlanableReference

/// Sends requests for named operations, checks each answer against the document's schema for its status, and
/// records which documented status codes were seen.
final class ContractRecorder {
    var server: TestServer
    let document = OpenAPIDocument.embedded
    private(set) var seen: [String: Set<String>] = [:]
    private let errorSchema: JSONValue

    init(server: TestServer) {
        self.server = server
        errorSchema = OpenAPIDocument.resolve(
            document.root["components"]?["schemas"]?["ErrorResponse"] ?? .object([]), document.root)
    }

    /// Sends `path` (with its query) for operation `key` and expects `status`.
    @discardableResult
    func call(
        _ key: String, _ path: String, body: JSONValue? = nil, token: String? = TestServer.token, expect status: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> TestServer.Reply {
        let operation = try #require(
            document.operation(key: key), "no operation \(key)", sourceLocation: sourceLocation)
        let reply = try server.send(operation.method, path, body: body, token: token)
        #expect(reply.status == status, "\(key) \(path): \(reply.text)", sourceLocation: sourceLocation)
        let code = String(reply.status)
        #expect(
            operation.statusCodes.contains(code), "\(key) answered undocumented \(code)", sourceLocation: sourceLocation
        )
        if let schema = document.responseSchema(operation, status: code) {
            let problems = SchemaValidator.validate(reply.json, against: schema, at: "response")
            #expect(problems.isEmpty, "\(key) \(code) breaks the schema: \(problems)", sourceLocation: sourceLocation)
        } else if reply.status >= 400 {
            let problems = SchemaValidator.validate(reply.json, against: errorSchema, at: "error")
            #expect(problems.isEmpty, "\(key) \(code) error body: \(problems)", sourceLocation: sourceLocation)
        } else if reply.status == 204 {
            #expect(reply.text.isEmpty, sourceLocation: sourceLocation)
        }
        seen[key, default: []].insert(code)
        return reply
    }

    /// A concrete path for `operation` with every path parameter set to `value`.
    func placeholderPath(_ operation: OpenAPIOperation, value: String = "000000000000000000000000") -> String {
        operation.segments.map { $0.hasPrefix("{") ? value : $0 }.reduce("") { $0 + "/" + $1 }
    }

    /// The documented (operation, status) pairs not yet seen, except those in `unreachable`.
    func missing(except unreachable: Set<String>) -> [String] {
        document.operations.flatMap { operation in
            operation.statusCodes.compactMap { code -> String? in
                let name = "\(operation.key) \(code)"
                return seen[operation.key, default: []].contains(code) || unreachable.contains(name) ? nil : name
            }
        }.sorted()
    }
}
