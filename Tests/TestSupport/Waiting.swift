import Foundation

/// Polls `condition` every 50 ms until it is true or `timeout` seconds pass, and returns whether it became true.
package func waitUntil(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}
