import PlanableAPI
import SyncEngine

/// A request that the API rejected because of the token (401 or 403), with the setting that the token was read
/// from, so that the message names the file, variable or credential to fix, and never the token.
struct TokenRejectedError: Error, CustomStringConvertible {
    /// A `PlanableAPIError` or a `WriteDeniedError`.
    let error: any Error
    let origin: TokenOrigin

    var description: String {
        CommandLineTool.classify(self).1
    }

    /// Returns `error` with `origin` added when it is a 401 or 403 response, and `error` unchanged otherwise or
    /// when `origin` is nil, as for `api: embedded`.
    static func attributing(_ error: any Error, to origin: TokenOrigin?) -> any Error {
        guard let origin else { return error }
        let status: Int? =
            switch error {
            case let error as PlanableAPIError: error.status
            case let error as WriteDeniedError: error.status
            default: nil
            }
        guard status == 401 || status == 403 else { return error }
        return TokenRejectedError(error: error, origin: origin)
    }
}
