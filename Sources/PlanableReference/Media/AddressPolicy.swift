import Foundation

/// Which addresses media downloads may connect to: public ones only, and loopback when tests allow it.
///
/// Private (RFC 1918, unique local), loopback, link-local, carrier-grade NAT, unspecified, multicast and reserved
/// ranges are refused, so a media URL cannot reach services on the server's own network (SSRF).
struct AddressPolicy: Sendable {
    var allowLoopback: Bool

    enum Verdict: Equatable {
        case allowed
        case refused(String)
    }

    func check(ipv4 bytes: [UInt8]) -> Verdict {
        guard bytes.count == 4 else { return .refused("malformed IPv4 address") }
        let (a, b) = (bytes[0], bytes[1])
        if a == 127 { return allowLoopback ? .allowed : .refused("loopback address") }
        if a == 10 || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168) {
            return .refused("private address")
        }
        if a == 169 && b == 254 { return .refused("link-local address") }
        if a == 100 && (64...127).contains(b) { return .refused("carrier-grade NAT address") }
        if a == 0 { return .refused("unspecified address") }
        if a >= 224 { return .refused("multicast or reserved address") }
        if a == 192 && b == 0 && bytes[2] == 0 { return .refused("IETF protocol assignment address") }
        if a == 198 && (b == 18 || b == 19) { return .refused("benchmarking address") }
        return .allowed
    }

    func check(ipv6 bytes: [UInt8]) -> Verdict {
        guard bytes.count == 16 else { return .refused("malformed IPv6 address") }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) {
            if bytes[15] == 1 { return allowLoopback ? .allowed : .refused("loopback address") }
            if bytes[15] == 0 { return .refused("unspecified address") }
        }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses follow the IPv4 rules.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return check(ipv4: Array(bytes[12..<16]))
        }
        if bytes[0] & 0xFE == 0xFC { return .refused("unique local address") }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return .refused("link-local address") }
        if bytes[0] == 0xFF { return .refused("multicast address") }
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 {
            return .refused("documentation address")
        }
        return .allowed
    }

    /// Checks a socket address as libcurl is about to connect to it.
    func check(_ address: UnsafeRawPointer, family: Int32) -> Verdict {
        switch family {
        case AF_INET:
            let ipv4 = address.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_addr
            return check(ipv4: withUnsafeBytes(of: ipv4) { Array($0) })
        case AF_INET6:
            let ipv6 = address.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_addr
            return check(ipv6: withUnsafeBytes(of: ipv6) { Array($0) })
        default:
            return .refused("address family \(family)")
        }
    }
}
