import HTTPClient

/// Why a feed read once without validators failed.
package enum FeedReadFailure: Error {
    /// The request failed or the server answered with an error status.
    case fetch(any Error)
    /// A 304 to a request that sent no validator, which only a broken server sends.
    case notModified
    /// The document is not a feed that the parser reads.
    case parse(any Error)
}

extension FeedFetcher {
    /// Fetches `url` without validators and parses it, for `feed inspect`, `check` and the linking of a new state,
    /// which must see the whole feed whatever an earlier fetch stored.
    package func readOnce(_ url: String) -> Result<Feed, FeedReadFailure> {
        let fetched: FeedFetchResult
        do {
            fetched = try fetch(url: url, etag: nil, lastModified: nil)
        } catch {
            return .failure(.fetch(error))
        }
        guard case .fetched(let data, let contentType, _, _, let finalURL, _) = fetched else {
            return .failure(.notModified)
        }
        do {
            return .success(try FeedParser.parse(data, url: finalURL, contentType: contentType))
        } catch {
            return .failure(.parse(error))
        }
    }
}
