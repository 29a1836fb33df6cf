import HTTPClient
import PlanableAPI
import Testing

/// Which failed creates may have made a post, so that the engine reads them back instead of dropping their intent.
@Suite struct CreateOutcomeTests {
    static let operation = "POST /posts"

    static func invalid(_ status: Int) -> PlanableAPIError {
        .invalidResponse(status: status, message: "cannot decode the body", operation: operation)
    }

    static func api(_ status: Int) -> PlanableAPIError {
        .api(
            status: status, code: PlanableErrorCode(rawValue: "INTERNAL"), message: "failed", requestId: nil,
            operation: operation)
    }

    static func transport(_ code: Int) -> PlanableAPIError {
        .transport(.transport(code: code, message: "failed", url: "http://127.0.0.1:9/posts"), operation: operation)
    }

    /// A 2xx response means that the server created the post, even when its body cannot be decoded.
    @Test func undecodableSuccessIsUnknown() {
        #expect(Self.invalid(201).outcomeIsUnknown)
        #expect(Self.invalid(200).outcomeIsUnknown)
    }

    @Test func serverErrorsAreUnknown() {
        #expect(Self.api(503).outcomeIsUnknown)
        #expect(Self.invalid(502).outcomeIsUnknown)
        #expect(Self.transport(28).outcomeIsUnknown)
    }

    @Test func rejectionsMadeNothing() {
        #expect(!Self.api(400).outcomeIsUnknown)
        #expect(!Self.api(429).outcomeIsUnknown)
        #expect(!Self.invalid(404).outcomeIsUnknown)
        #expect(!Self.transport(7).outcomeIsUnknown)
        #expect(!Self.transport(6).outcomeIsUnknown)
    }
}
