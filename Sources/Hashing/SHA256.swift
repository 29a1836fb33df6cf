/// SHA-256 (FIPS 180-4) in plain Swift, because Linux has no CryptoKit and Foundation offers no digest.
package enum SHA256 {
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    private static let initialState: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]

    /// Computes the 32-byte digest of `bytes`.
    ///
    /// Whole blocks are read in place and only the padded tail is copied, because the reference server hashes the
    /// token of every request and the sync engine hashes every item.
    package static func digest(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { input in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8 + 64) { words in
                let state = UnsafeMutableBufferPointer(rebasing: words[0..<8])
                let schedule = UnsafeMutableBufferPointer(rebasing: words[8..<72])
                for index in 0..<8 { state[index] = initialState[index] }
                roundConstants.withUnsafeBufferPointer { constants in
                    let wholeBlocks = input.count / 64
                    for block in 0..<wholeBlocks {
                        let blockBytes = UnsafeRawBufferPointer(rebasing: input[(block * 64)..<(block * 64 + 64)])
                        compress(state, schedule, blockBytes, constants)
                    }
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                        let remaining = input.count - wholeBlocks * 64
                        tail.initialize(repeating: 0)
                        for index in 0..<remaining { tail[index] = input[wholeBlocks * 64 + index] }
                        tail[remaining] = 0x80
                        let tailLength = remaining + 9 <= 64 ? 64 : 128
                        let bitLength = UInt64(input.count) &* 8
                        for index in 0..<8 {
                            tail[tailLength - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * index))
                        }
                        let padded = UnsafeRawBufferPointer(tail)
                        for offset in stride(from: 0, to: tailLength, by: 64) {
                            compress(
                                state, schedule, UnsafeRawBufferPointer(rebasing: padded[offset..<(offset + 64)]),
                                constants)
                        }
                    }
                }
                var result = [UInt8](repeating: 0, count: 32)
                for (index, word) in state.enumerated() {
                    result[4 * index] = UInt8(word >> 24)
                    result[4 * index + 1] = UInt8(truncatingIfNeeded: word >> 16)
                    result[4 * index + 2] = UInt8(truncatingIfNeeded: word >> 8)
                    result[4 * index + 3] = UInt8(truncatingIfNeeded: word)
                }
                return result
            }
        }
    }

    /// Computes the digest of `bytes` as 64 lowercase hexadecimal digits.
    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest(bytes) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Computes the digest of the UTF-8 bytes of `text` as hexadecimal digits.
    package static func hex(_ text: String) -> String {
        hex(Array(text.utf8))
    }

    /// Compares two byte strings in time that depends only on their lengths, for secrets such as token hashes.
    package static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<lhs.count { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// Mixes one 64-byte block into `state`, using `schedule` as the message schedule's storage.
    private static func compress(
        _ state: UnsafeMutableBufferPointer<UInt32>, _ schedule: UnsafeMutableBufferPointer<UInt32>,
        _ block: UnsafeRawBufferPointer, _ constants: UnsafeBufferPointer<UInt32>
    ) {
        for index in 0..<16 {
            let offset = index * 4
            schedule[index] =
                UInt32(block[offset]) << 24 | UInt32(block[offset + 1]) << 16 | UInt32(block[offset + 2]) << 8
                | UInt32(block[offset + 3])
        }
        for index in 16..<64 {
            let s0 =
                rotateRight(schedule[index - 15], 7) ^ rotateRight(schedule[index - 15], 18)
                ^ (schedule[index - 15] >> 3)
            let s1 =
                rotateRight(schedule[index - 2], 17) ^ rotateRight(schedule[index - 2], 19)
                ^ (schedule[index - 2] >> 10)
            schedule[index] = schedule[index - 16] &+ s0 &+ schedule[index - 7] &+ s1
        }
        var a = state[0]
        var b = state[1]
        var c = state[2]
        var d = state[3]
        var e = state[4]
        var f = state[5]
        var g = state[6]
        var h = state[7]

        for index in 0..<64 {
            let sum1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
            let choice = (e & f) ^ (~e & g)
            let temp1 = h &+ sum1 &+ choice &+ constants[index] &+ schedule[index]
            let sum0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let temp2 = sum0 &+ majority
            h = g
            g = f
            f = e
            e = d &+ temp1
            d = c
            c = b
            b = a
            a = temp1 &+ temp2
        }

        state[0] &+= a
        state[1] &+= b
        state[2] &+= c
        state[3] &+= d
        state[4] &+= e
        state[5] &+= f
        state[6] &+= g
        state[7] &+= h
    }

    private static func rotateRight(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }
}
