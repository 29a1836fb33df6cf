extension Substring {
    /// Returns the text without the spaces, tabs and line ends that HTTP allows around a header's name and value.
    ///
    /// Foundation's `trimmingCharacters(in:)` copies through `NSString` on Linux, which cost more than the rest of
    /// parsing a response's headers, and a tenth of a cached reference-server request.
    package func trimmingHTTPWhitespace() -> String {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        guard let first = utf8.firstIndex(where: { !blank($0) }), let last = utf8.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(self[first...last])
    }
}
