import Foundation
import Glibc

/// The encoding decision for a document and its text converted to UTF-8.
struct DecodedDocument {
    var utf8: [UInt8]
    /// The encoding the bytes were decoded with, lower-cased.
    var encoding: String
    /// Set when the document is not served as XML or was decoded with another encoding than the declared one.
    var problem: String?
}

/// Encoding detection in the order RFC 3023 gives, as feedparser applies it: the HTTP charset, then the XML
/// declaration, then the byte order mark, then UTF-8 and Windows-1252 as fallbacks.
enum FeedEncoding {
    /// Decodes `data` to UTF-8, given the HTTP `Content-Type` when the document came over HTTP.
    ///
    /// - Throws: `FeedError.wrongEncoding` when no candidate encoding can decode the bytes.
    static func decode(_ data: [UInt8], contentType: String?) throws -> DecodedDocument {
        let sniffed = sniffByteOrder(data)
        var body = data
        if let bom = sniffed?.bomLength, bom > 0 { body = Array(data[bom...]) }
        var declared = declaredEncoding(body, sniffed: sniffed?.name)
        let utf16Aliases: Set<String> = [
            "iso-10646-ucs-2", "ucs-2", "csunicode", "iso-10646-ucs-4", "ucs-4", "csucs4", "utf-16", "utf-32",
            "utf_16", "utf_32", "utf16", "u16", "utf32", "u32",
        ]
        if let sniffedName = sniffed?.name, let name = declared, utf16Aliases.contains(name) {
            declared = sniffedName
        }
        var problem: String?
        // A byte order mark, or `<?xml` in UTF-16 or UTF-32, outranks the declaration (XML 1.0 appendix F).
        var documentEncoding = declared.map { (name: $0, source: "the XML declaration") }
        if let sniffedName = sniffed?.name {
            if let declared, declared != sniffedName, !(declared == "utf8" && sniffedName == "utf-8") {
                problem = "the byte order mark says \(sniffedName) but the XML declaration says \(declared)"
            }
            documentEncoding = (name: sniffedName, source: "the byte order mark")
        }

        var preferred: (name: String, source: String)
        if let contentType {
            let (mediaType, charset) = parseContentType(contentType)
            let httpCharset = charset.map { (name: $0, source: "the HTTP charset") }
            let isApplicationXML =
                ["application/xml", "application/xml-dtd", "application/xml-external-parsed-entity"]
                .contains(mediaType) || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+xml"))
            let isTextXML =
                ["text/xml", "text/xml-external-parsed-entity"].contains(mediaType)
                || (mediaType.hasPrefix("text/") && mediaType.hasSuffix("+xml"))
            if isApplicationXML {
                preferred = httpCharset ?? documentEncoding ?? (name: "utf-8", source: "the default for XML")
            } else if isTextXML || mediaType.hasPrefix("text/") {
                // RFC 3023 section 3.1: text/xml without a charset is US-ASCII, whatever the document declares.
                preferred = httpCharset ?? (name: "us-ascii", source: "the default for \(mediaType) without a charset")
            } else if mediaType.isEmpty {
                preferred =
                    documentEncoding ?? (name: "iso-8859-1", source: "the default for HTTP without a media type")
            } else {
                preferred = documentEncoding ?? (name: "utf-8", source: "the default for XML")
            }
            let isJSON = mediaType == "application/json" || mediaType == "application/feed+json"
            if !isApplicationXML && !isTextXML && !isJSON {
                let served = mediaType.isEmpty ? "no media type" : mediaType
                problem = problem ?? "the document is served as \(served), which is not an XML media type"
            }
        } else {
            preferred = documentEncoding ?? (name: "utf-8", source: "the default for XML")
        }
        if preferred.name == "gb2312" { preferred.name = "gb18030" }

        var candidates: [String] = [preferred.name]
        for name in [declared, sniffed?.name, "utf-8", "windows-1252"] {
            if let name, !candidates.contains(name) { candidates.append(name) }
        }
        var firstFailure: String?
        for name in candidates {
            switch transcode(body, from: name) {
            case .success(let utf8):
                let somethingDeclared = contentType != nil || declared != nil || sniffed != nil
                let highBytes = body.lazy.filter { $0 >= 0x80 }.count
                if name != preferred.name && !somethingDeclared && highBytes >= 8 {
                    // NOTE: feedparser accepts a stray Windows-1252 byte in an undeclared document without a flag,
                    // so only a document with several such bytes, likely in some legacy encoding, is flagged.
                    problem =
                        "the document declares no encoding and is not valid UTF-8 (\(highBytes) bytes above 0x7F); "
                        + "it was decoded as \(name), which may be wrong. Declare the encoding in the XML declaration"
                }
                if name != preferred.name && somethingDeclared {
                    let reason = firstFailure ?? "the bytes are not valid \(preferred.name)"
                    problem =
                        problem
                        ?? "the encoding \(preferred.name) from \(preferred.source) does not fit because \(reason); "
                        + "decoded as \(name) instead. Fix the charset or the XML declaration"
                }
                return DecodedDocument(utf8: utf8, encoding: name, problem: problem)
            case .failure(let reason):
                if firstFailure == nil { firstFailure = reason }
            }
        }
        throw FeedError(
            .wrongEncoding,
            "the encoding \(preferred.name) from \(preferred.source) does not fit because "
                + "\(firstFailure ?? "the bytes cannot be decoded"), and no fallback encoding fits; "
                + "fix the charset or the XML declaration")
    }

    /// Detects the encoding a byte order mark or the first characters of `<?xml` imply, and the length of the mark.
    private static func sniffByteOrder(_ data: [UInt8]) -> (name: String, bomLength: Int)? {
        func starts(_ prefix: [UInt8]) -> Bool { data.count >= prefix.count && Array(data[0..<prefix.count]) == prefix }
        if starts([0x00, 0x00, 0xFE, 0xFF]) { return ("utf-32be", 4) }
        if starts([0xFF, 0xFE, 0x00, 0x00]) { return ("utf-32le", 4) }
        if starts([0xFE, 0xFF]) { return ("utf-16be", 2) }
        if starts([0xFF, 0xFE]) { return ("utf-16le", 2) }
        if starts([0xEF, 0xBB, 0xBF]) { return ("utf-8", 3) }
        if starts([0x00, 0x00, 0x00, 0x3C]) { return ("utf-32be", 0) }
        if starts([0x3C, 0x00, 0x00, 0x00]) { return ("utf-32le", 0) }
        if starts([0x00, 0x3C, 0x00, 0x3F]) { return ("utf-16be", 0) }
        if starts([0x3C, 0x00, 0x3F, 0x00]) { return ("utf-16le", 0) }
        return nil
    }

    /// Reads the `encoding` pseudo-attribute of the XML declaration, lower-cased.
    private static func declaredEncoding(_ body: [UInt8], sniffed: String?) -> String? {
        let head = Array(body.prefix(1024))
        var text: String
        if let sniffed, sniffed != "utf-8", case .success(let utf8) = transcode(head, from: sniffed, partial: true) {
            text = String(decoding: utf8, as: UTF8.self)
        } else {
            text = String(decoding: head, as: UTF8.self)
        }
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return nil }
        text = String(text[..<end.lowerBound])
        guard let key = text.range(of: "encoding") else { return nil }
        var rest = text[key.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return value.isEmpty ? nil : value.lowercased()
    }

    /// Splits a `Content-Type` value into its lower-cased media type and its unquoted charset parameter.
    static func parseContentType(_ value: String) -> (mediaType: String, charset: String?) {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        let mediaType = parts.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        var charset: String?
        for parameter in parts.dropFirst() {
            guard let equals = parameter.firstIndex(of: "=") else { continue }
            let name = parameter[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            guard name == "charset" else { continue }
            let raw = parameter[parameter.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let unquoted = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if !unquoted.isEmpty { charset = unquoted.lowercased() }
        }
        return (mediaType, charset)
    }

    private enum Transcoding {
        case success([UInt8])
        case failure(String)
    }

    /// Converts `bytes` from the encoding `name` to UTF-8 with iconv, or returns why it cannot.
    private static func transcode(_ bytes: [UInt8], from name: String, partial: Bool = false) -> Transcoding {
        let iconvName = iconvEncodingName(name)
        if iconvName == "WINDOWS-1252" || iconvName == "CP1252" {
            return .success(Array(String(decodingWindows1252: bytes).utf8))
        }
        if iconvName == "UTF-8" && !partial {
            if String(validating: bytes, as: UTF8.self) != nil { return .success(bytes) }
            // Invalid UTF-8: iconv below finds the offset for the message.
        }
        let converter = iconv_open("UTF-8", iconvName)
        if converter == iconv_t(bitPattern: -1) { return .failure("\(name) is not a known encoding") }
        defer { iconv_close(converter) }
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        var input = bytes
        let inputCount = input.count
        var failure: String?
        var written = 0
        input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inputCount
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                if result == -1 && !(partial && errno == EINVAL) {
                    failure = "the byte at offset \(inputCount - inLeft) is invalid in \(name)"
                }
                written = outBuffer.count - outLeft
            }
        }
        if let failure { return .failure(failure) }
        return .success(Array(output[0..<written]))
    }

    private static func iconvEncodingName(_ name: String) -> String {
        let normalized = name.replacingOccurrences(of: "_", with: "-").uppercased()
        switch normalized {
        case "UTF8", "UTF-8": return "UTF-8"
        case "U16", "UTF16": return "UTF-16"
        case "U32", "UTF32": return "UTF-32"
        case "LATIN1", "LATIN-1", "L1": return "ISO-8859-1"
        case "ASCII", "US-ASCII": return "US-ASCII"
        default: return normalized
        }
    }
}

/// The 32 characters Windows-1252 puts at 0x80 to 0x9F, where ISO-8859-1 has C1 control characters. The five
/// bytes Windows-1252 leaves undefined map to the control character of the same value, as the WHATWG Encoding
/// Standard decodes them, so this decoding never fails.
let windows1252HighControls: [Unicode.Scalar] = [
    "\u{20AC}", "\u{81}", "\u{201A}", "\u{192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}", "\u{2C6}", "\u{2030}",
    "\u{160}", "\u{2039}", "\u{152}", "\u{8D}", "\u{17D}", "\u{8F}", "\u{90}", "\u{2018}", "\u{2019}", "\u{201C}",
    "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}", "\u{2DC}", "\u{2122}", "\u{161}", "\u{203A}", "\u{153}", "\u{9D}",
    "\u{17E}", "\u{178}",
]

extension String {
    init(decodingWindows1252 bytes: [UInt8]) {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte) {
                scalars.append(windows1252HighControls[Int(byte - 0x80)])
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        self = String(scalars)
    }

    /// The string with C1 control characters (U+0080 to U+009F) repaired. They are never text, so a run of
    /// characters from U+0080 to U+00FF that contains one is either UTF-8 read as Latin-1 (`&#226;&#128;&#166;`
    /// for "…"), decoded back when its bytes are valid UTF-8, or Windows-1252 bytes written as character
    /// references (`&#146;` for "’"), replaced by the Windows-1252 characters.
    var repairingC1Controls: String {
        guard unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) }) else { return self }
        var result = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            guard !run.isEmpty else { return }
            let hasControl = run.contains { (0x80...0x9F).contains($0) }
            if hasControl, let decoded = String(validating: run, as: UTF8.self) {
                result.append(contentsOf: decoded.unicodeScalars)
            } else {
                for byte in run {
                    let isControl = (0x80...0x9F).contains(byte)
                    result.append(isControl ? windows1252HighControls[Int(byte - 0x80)] : Unicode.Scalar(byte))
                }
            }
            run.removeAll()
        }
        for scalar in unicodeScalars {
            if (0x80...0xFF).contains(scalar.value) {
                run.append(UInt8(scalar.value))
            } else {
                flush()
                result.append(scalar)
            }
        }
        flush()
        return String(result)
    }
}
