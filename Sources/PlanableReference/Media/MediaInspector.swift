/// Recognizes image and video files by their first bytes and reads image dimensions.
enum MediaInspector {
    struct Inspection: Equatable {
        /// `image`, `video` or `gif`.
        var type: String
        var mimeType: String
        var width: Int?
        var height: Int?
    }

    /// The media type of a file starting with `bytes`, or nil when it is neither a supported image nor a video.
    static func inspect(_ bytes: [UInt8]) -> Inspection? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return Inspection(
                type: "image", mimeType: "image/png", width: bigEndian(bytes, 16, 4), height: bigEndian(bytes, 20, 4))
        }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            let size = jpegSize(bytes)
            return Inspection(type: "image", mimeType: "image/jpeg", width: size?.0, height: size?.1)
        }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) {
            return Inspection(
                type: "gif", mimeType: "image/gif", width: littleEndian(bytes, 6, 2), height: littleEndian(bytes, 8, 2))
        }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            let size = webpSize(bytes)
            return Inspection(type: "image", mimeType: "image/webp", width: size?.0, height: size?.1)
        }
        if bytes.count >= 12, Array(bytes[4..<8]) == Array("ftyp".utf8) {
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            let mime = brand == "qt  " ? "video/quicktime" : "video/mp4"
            return Inspection(type: "video", mimeType: mime, width: nil, height: nil)
        }
        if bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) {
            return Inspection(type: "video", mimeType: "video/webm", width: nil, height: nil)
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        guard bytes.count >= offset + count else { return nil }
        return bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        guard bytes.count >= offset + count else { return nil }
        return bytes[offset..<offset + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// Walks the JPEG segments to the first start-of-frame marker, which holds the height and width.
    private static func jpegSize(_ bytes: [UInt8]) -> (Int, Int)? {
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 {
                index += 2
                continue
            }
            guard let length = bigEndian(bytes, index + 2, 2) else { return nil }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame, let height = bigEndian(bytes, index + 5, 2), let width = bigEndian(bytes, index + 7, 2) {
                return (width, height)
            }
            index += 2 + length
        }
        return nil
    }

    private static func webpSize(_ bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.count >= 30 else { return nil }
        let chunk = String(decoding: bytes[12..<16], as: UTF8.self)
        switch chunk {
        case "VP8X":
            guard let width = littleEndian(bytes, 24, 3), let height = littleEndian(bytes, 27, 3) else { return nil }
            return (width + 1, height + 1)
        case "VP8 ":
            guard let width = littleEndian(bytes, 26, 2), let height = littleEndian(bytes, 28, 2) else { return nil }
            return (width & 0x3FFF, height & 0x3FFF)
        case "VP8L":
            guard bytes.count >= 25 else { return nil }
            let bits = Int(bytes[21]) | Int(bytes[22]) << 8 | Int(bytes[23]) << 16 | Int(bytes[24]) << 24
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        default:
            return nil
        }
    }
}
