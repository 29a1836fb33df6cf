import CSQLite
import Foundation
import Hashing
import Synchronization

/// Identifiers and secrets the server hands out.
package enum Identifiers {
    /// A random 24-digit hex identifier, the shape of the ids the Planable API returns.
    ///
    /// Written without temporary arrays, since every request takes one for its `X-Request-Id`. The bytes come
    /// from SQLite's generator, a ChaCha20 stream seeded from the system, because `SystemRandomNumberGenerator`
    /// makes a `getrandom` system call for every 8 bytes.
    package static func random() -> String {
        var bits: (UInt64, UInt32) = (0, 0)
        withUnsafeMutableBytes(of: &bits) { sqlite3_randomness(12, $0.baseAddress) }
        return String(unsafeUninitializedCapacity: 24) { text in
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { hex in
                withUnsafeBytes(of: &bits) { random in
                    for index in 0..<12 {
                        text[2 * index] = hex[Int(random[index] >> 4)]
                        text[2 * index + 1] = hex[Int(random[index] & 0xF)]
                    }
                }
            }
            return 24
        }
    }

    /// Returns a new row id in MongoDB's ObjectId layout, as Planable's ids are. Its 24 hex digits hold the Unix time
    /// in seconds (4 bytes), a value drawn once per process (5 bytes) and a counter (3 bytes).
    ///
    /// Ids made later sort after earlier ones, so each insert adds to the last page of the primary-key index
    /// instead of a random one, and a commit of several rows writes fewer pages.
    package static func objectID() -> String {
        let seconds = UInt32(truncatingIfNeeded: Int64(Date().timeIntervalSince1970))
        let count = objectIDCounter.add(1, ordering: .relaxed).newValue & 0xFF_FFFF
        let high = UInt64(seconds) << 32 | objectIDProcessValue >> 8
        let low = UInt32(truncatingIfNeeded: objectIDProcessValue) << 24 | UInt32(count)
        return String(unsafeUninitializedCapacity: 24) { text in
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { hex in
                for index in 0..<16 { text[index] = hex[Int(high >> (60 - 4 * index) & 0xF)] }
                for index in 0..<8 { text[16 + index] = hex[Int(low >> (28 - 4 * index) & 0xF)] }
            }
            return 24
        }
    }

    /// The 5 random bytes of `objectID`, in the low 40 bits.
    private static let objectIDProcessValue: UInt64 = UInt64.random(in: 0..<(1 << 40))
    /// Starts in the lower half, so the 3-byte counter wraps, and ids stop sorting by creation, only after more
    /// than 8 million ids.
    private static let objectIDCounter = Atomic<UInt32>(UInt32.random(in: 0..<(1 << 23)))

    /// A stable 24-digit hex identifier derived from `parts`, so a seed gives the same ids on every run.
    package static func derived(_ parts: String...) -> String {
        String(SHA256.hex(parts.joined(separator: "\u{1F}")).prefix(24))
    }

    /// A new API token: `pln_` and 40 random letters and digits.
    package static func token() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return "pln_" + String((0..<40).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// A request id for error bodies and the X-Request-Id header. It needs to be unique, not secret, so it takes
    /// an ObjectId, which costs an atomic increment where a random id takes the lock of SQLite's generator.
    package static func requestID() -> String {
        "req_" + objectID()
    }

    /// A deterministic pseudo-random number in 0..<1 for `key`, for synthetic analytics.
    package static func unitNoise(_ key: String) -> Double {
        let bytes = SHA256.digest(Array(key.utf8))
        var value: UInt64 = 0
        for byte in bytes.prefix(7) { value = value << 8 | UInt64(byte) }
        return Double(value) / Double(UInt64(1) << 56)
    }
}
