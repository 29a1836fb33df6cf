import PlanableAPI
import SQLite

/// The judgement of an error that failed a pass or an item: whether trying again later may succeed.
package enum PassFailure {
    /// Tells whether work that failed with `error` may succeed when run again without a change to the sources.
    /// That is so after no response, a rate limit or a server error of the API, and after an error of the state
    /// database, such as a full disk or a folder whose permissions a person then fixes. It is also so for an edit
    /// not sent while its posts are being published, and for a pass that waits for a new state's linking. A
    /// corrupt database needs a rebuild, which no retry does.
    package static func mayPassByItself(_ error: any Error) -> Bool {
        if let error = error as? PlanableAPIError { return error.isRetryable }
        if let error = error as? SQLiteError { return !error.isCorruption }
        return error is PostsPublishingError || error is StateNotLinkedError
    }
}
