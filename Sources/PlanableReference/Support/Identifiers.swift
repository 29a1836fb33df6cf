import Hashing

/// Identifiers and secrets the server hands out.
package enum Identifiers {
    /// A random 24-digit hex identifier, the shape of the ids the Planable API returns.
    package static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next()
        let low = generator.next() & 0xFFFF_FFFF
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        for shift in stride(from: 60, through: 0, by: -4) { text.append(digits[Int((high >> UInt64(shift)) & 0xF)]) }
        for shift in stride(from: 28, through: 0, by: -4) { text.append(digits[Int((low >> UInt64(shift)) & 0xF)]) }
        return String(decoding: text, as: UTF8.self)
    }

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

    /// A request id for error bodies and the X-Request-Id header.
    package static func requestID() -> String {
        "req_" + random()
    }

    /// A deterministic pseudo-random number in 0..<1 for `key`, for synthetic analytics.
    package static func unitNoise(_ key: String) -> Double {
        let bytes = SHA256.digest(Array(key.utf8))
        var value: UInt64 = 0
        for byte in bytes.prefix(7) { value = value << 8 | UInt64(byte) }
        return Double(value) / Double(UInt64(1) << 56)
    }
}
