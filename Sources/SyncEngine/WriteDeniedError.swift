import PlanableAPI

/// A request that the API rejected because of the token, so every other write of the run would fail the same way.
///
/// A 401 means that the token is no longer valid, for any request, reads included, so it ends the run whichever
/// request met it. A 403 means that the token may read the workspace but not write to it, and only a write's 403
/// ends the run.
/// The sync writes only POST /posts, PATCH /posts/{id}, DELETE /posts/{id} and POST /labels, and the API document
/// gives their 403s no cause other than the token's permissions. The pages and posts these requests name belong
/// to the workspace that the same token has just read, so such a 403 is about the token and not about one item.
/// The API's per-object 403 causes (a campaign limit, a comment's author, the Analytics add-on) belong to
/// endpoints that the sync does not write to.
package struct WriteDeniedError: Error, CustomStringConvertible, Sendable {
    package let status: Int
    /// The request that was rejected, such as `POST /posts`.
    package let operation: String
    /// The API's own message.
    package let message: String
    package let workspace: String

    /// Returns the error for `error` when it is a 401 response, or a 403 response to a write, and nil otherwise.
    package init?(_ error: any Error, workspace: String) {
        guard let error = error as? PlanableAPIError else { return nil }
        switch error {
        case .api(let status, _, let message, _, let operation),
            .invalidResponse(let status, let message, let operation):
            guard status == 401 || (status == 403 && !operation.hasPrefix("GET ")) else { return nil }
            self.status = status
            self.operation = operation
            self.message = message
            self.workspace = workspace
        case .transport, .cancelled:
            return nil
        }
    }

    package var description: String {
        let response = "\(operation) returned \(status): \(message)"
        let naming = "name it with the configuration's api token_file, token_env or token_credential"
        if status == 401 {
            let request = operation.hasPrefix("GET ") ? "a read of" : "a write to"
            return "the API token was rejected on \(request) workspace \"\(workspace)\" (\(response)), so the run "
                + "stopped; items not synced yet are tried again by the next run. Create a new token with the write "
                + "scope in Planable and \(naming)."
        }
        return "the API token cannot write to workspace \"\(workspace)\" (\(response)), so the run stopped; items not "
            + "synced yet are tried again by the next run. Create a token with the write scope in Planable (on the "
            + "reference server, POST /reference/tokens with \"scope\": \"write\") and \(naming)."
    }

    /// A short form for the daemon's status line.
    package var summary: String {
        status == 401
            ? "the API token was rejected (\(status)); create a new token and reload"
            : "the API token cannot write (\(status)); use a token with the write scope and reload"
    }
}
