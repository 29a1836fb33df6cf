/// Byte classes of XML's grammar, for the scans that read markup byte by byte.
enum XMLBytes {
    /// Tells whether `byte` may start an XML name. Every byte of a multi-byte UTF-8 character counts, because XML
    /// allows most characters beyond ASCII in names, so a scan reads more names than XML allows, never fewer.
    static func isNameStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"),
            UInt8(ascii: ":"), 0x80...0xFF:
            true
        default: false
        }
    }

    /// Tells whether `byte` may continue an XML name.
    static func isNameCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): true
        default: isNameStart(byte)
        }
    }

    /// Tells whether `byte` is XML white space: space, tab, line feed or carriage return.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
