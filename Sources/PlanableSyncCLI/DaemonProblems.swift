import Foundation
import HTTPClient
import PlanableAPI
import SyncEngine

/// The problems of the running daemon that its STATUS= line reports. systemd shows that line as one line, so each
/// problem is kept short.
struct DaemonProblems {
    /// The maximum length, in characters, of one error in the status line.
    static let maximumLength = 160

    var readFailures = 0
    /// Items whose last sync failed, as the state database records them.
    var failedItems = 0
    /// Items a sync holds back until a person acts, such as one whose pages now group differently.
    var blockedItems = 0
    /// Posts whose publication failed in Planable, as the last status poll saw them.
    var failedPosts = 0
    /// The reason the last pass failed, and the feed when it was a feed's poll, until a pass over the same
    /// sources succeeds.
    var passError: (message: String, feed: String?)?
    /// The reason the last status poll failed, until one succeeds.
    var statusPollError: String?
    /// The last reload's error, until a reload succeeds.
    var reloadError: String?

    /// Builds the status line: what is watched and polled, then what is wrong, such as folders without a watch.
    ///
    /// - Parameter retrying: whether a full pass is scheduled to try the failed items again, as after a server
    ///   error, an API that did not respond or a state database that could not be written.
    func statusLine(
        watched: Int, unwatched: Int, feeds: Int, retrying: Bool = false, fetching: [String] = []
    ) -> String {
        var parts = ["watching \(counted(watched, "folder")) and \(counted(feeds, "feed"))"]
        if !fetching.isEmpty {
            parts.append("fetching feed\(fetching.count == 1 ? "" : "s") \(fetching.joined(separator: ", "))")
        }
        if unwatched > 0 { parts.append("\(counted(unwatched, "folder")) not watched (retrying)") }
        if readFailures > 0 { parts.append(counted(readFailures, "read failure")) }
        if let passError {
            parts.append("last pass failed: \(passError.message)")
        } else if let statusPollError {
            parts.append("status poll failed: \(statusPollError)")
        }
        if failedItems > 0 {
            parts.append("\(counted(failedItems, "item")) failed to sync" + (retrying ? " (retrying)" : ""))
        }
        if blockedItems > 0 { parts.append("\(counted(blockedItems, "item")) blocked (see status)") }
        if failedPosts > 0 { parts.append("\(counted(failedPosts, "post")) failed to publish (see status)") }
        if let reloadError { parts.append("reload failed: \(Self.shortened(reloadError))") }
        return parts.joined(separator: "; ")
    }

    /// Summarizes `error` in a few words, ending in "retrying" when the daemon tries again by itself.
    static func summary(_ error: any Error) -> String {
        switch error {
        case let error as WriteDeniedError:
            return error.summary
        case let error as PlanableAPIError:
            switch error {
            case .transport(.transport(_, let message, _), _):
                return "API unreachable (\(shortened(message, limit: 80))), retrying"
            case .transport(let error, _):
                return "API unreachable (\(shortened(error.description, limit: 80))), retrying"
            case .api(let status, _, let message, _, _) where error.isRetryable:
                return "API answered \(status) (\(shortened(message, limit: 80))), retrying"
            case .invalidResponse(let status, _, _) where error.isRetryable:
                return "API answered \(status), retrying"
            case .api(let status, let code, let message, _, let operation):
                // The request id helps in the log, not in one line.
                return shortened("\(operation) failed with \(status) \(code): \(message)")
            default:
                return shortened(error.description)
            }
        default:
            // An error of the state database, such as a full disk, is tried again too.
            guard PassFailure.mayPassByItself(error) else { return shortened("\(error)") }
            return shortened("\(error)", limit: maximumLength - 10) + ", retrying"
        }
    }

    /// Returns the first line of `text`, cut at a word boundary to at most `limit` characters, with an ellipsis when cut.
    static func shortened(_ text: String, limit: Int = maximumLength) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        guard line.count > limit else { return line }
        let prefix = line.prefix(limit - 1)
        let cut = prefix.lastIndex(of: " ").map { prefix[..<$0] } ?? prefix
        return cut.trimmingCharacters(in: CharacterSet(charactersIn: " ,;:")) + "…"
    }
}
