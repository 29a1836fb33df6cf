import PlanableAPI
import Testing

@testable import SyncEngine

/// Checks which API errors end a run as a write that the token may not make.
@Suite struct WriteDeniedErrorTests {
    func apiError(_ status: Int, _ operation: String) -> PlanableAPIError {
        .api(
            status: status, code: PlanableErrorCode(rawValue: status == 401 ? "UNAUTHORIZED" : "FORBIDDEN"),
            message: "this token is read-only", requestId: "req_1", operation: operation)
    }

    @Test(arguments: ["POST /posts", "PATCH /posts/p1", "DELETE /posts/p1", "POST /labels"])
    func writeRejectionsEndTheRun(operation: String) throws {
        for status in [401, 403] {
            let denied = try #require(WriteDeniedError(apiError(status, operation), workspace: "Northwind Coffee"))
            #expect(denied.status == status)
            #expect(denied.operation == operation)
            #expect(denied.description.contains("workspace \"Northwind Coffee\""))
            #expect(denied.description.contains("(\(operation) returned \(status): this token is read-only)"))
        }
    }

    @Test func readForbiddenStaysWithItem() {
        #expect(WriteDeniedError(apiError(403, "GET /posts"), workspace: "W") == nil)
    }

    /// A revoked or expired token fails every request, so a 401 to the read before an update ends the run too, and
    /// the daemon then reads a replaced token at once.
    @Test func readUnauthorizedEndsRun() throws {
        let denied = try #require(WriteDeniedError(apiError(401, "GET /posts/p1"), workspace: "W"))
        #expect(denied.status == 401)
        #expect(denied.description.contains("was rejected on a read of workspace \"W\""))
        #expect(denied.description.contains("Create a new token with the write scope"))
    }

    @Test func otherWriteErrorsStayWithTheItem() {
        for status in [400, 404, 409, 429, 500] {
            #expect(WriteDeniedError(apiError(status, "POST /posts"), workspace: "W") == nil, "status \(status)")
        }
        let transport = PlanableAPIError.transport(
            .transport(code: 7, message: "Couldn't connect to server", url: "http://127.0.0.1:9/posts"),
            operation: "POST /posts")
        #expect(WriteDeniedError(transport, workspace: "W") == nil)
    }

    /// DELETE /posts/{id} documents its 403 without a body, so the client reports it as an invalid response.
    @Test func bodilessForbiddenDeleteIsWriteDenial() throws {
        let error = PlanableAPIError.invalidResponse(
            status: 403, message: "no error body", operation: "DELETE /posts/p1")
        let denied = try #require(WriteDeniedError(error, workspace: "W"))
        #expect(denied.description.contains("cannot write to workspace \"W\""))
    }

    @Test func unauthorizedWriteAsksForNewToken() throws {
        let denied = try #require(WriteDeniedError(apiError(401, "POST /posts"), workspace: "W"))
        #expect(denied.description.contains("was rejected on a write"))
        #expect(denied.description.contains("Create a new token with the write scope"))
    }
}
