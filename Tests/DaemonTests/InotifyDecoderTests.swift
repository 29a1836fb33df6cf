import Glibc
import Testing

@testable import Daemon

@Suite struct InotifyDecoderTests {
    @Test func decodesRecordsInOrder() {
        let records = [
            InotifyRecord(descriptor: 1, mask: UInt32(IN_CREATE), name: "post.md"),
            InotifyRecord(
                descriptor: 2, mask: UInt32(IN_MOVED_FROM), cookie: 77, name: "a-name-longer-than-sixteen.md"),
            InotifyRecord(descriptor: 1, mask: UInt32(IN_DELETE_SELF)),
        ]
        let bytes = InotifyDecoder.encode(records)
        #expect(bytes.count == 16 + 16 + 16 + 32 + 16)
        let decoded = bytes.withUnsafeBytes { InotifyDecoder.decode($0) }
        #expect(decoded == records)
    }

    @Test func decodesOverflowRecord() {
        // The kernel reports an overflow as wd -1, mask IN_Q_OVERFLOW, no name.
        var bytes: [UInt8] = []
        withUnsafeBytes(of: Int32(-1)) { bytes += $0 }
        withUnsafeBytes(of: UInt32(IN_Q_OVERFLOW)) { bytes += $0 }
        bytes += [UInt8](repeating: 0, count: 8)
        let decoded = bytes.withUnsafeBytes { InotifyDecoder.decode($0) }
        #expect(decoded == [InotifyRecord(descriptor: -1, mask: UInt32(IN_Q_OVERFLOW))])
    }

    @Test func dropsTruncatedRecord() {
        var bytes = InotifyDecoder.encode([InotifyRecord(descriptor: 3, mask: UInt32(IN_MODIFY), name: "x.md")])
        bytes += InotifyDecoder.encode([InotifyRecord(descriptor: 3, mask: UInt32(IN_MODIFY), name: "y.md")]).prefix(20)
        let decoded = bytes.withUnsafeBytes { InotifyDecoder.decode($0) }
        #expect(decoded.map(\.name) == ["x.md"])
    }

    @Test(arguments: [
        (".hidden.md", true), (".#post.md", true), ("post.md~", true), ("post.md.swp", true), ("post.swx", true),
        ("upload.tmp", true), ("4913", true), ("#post.md#", true), ("post.md", false), ("4913.md", false),
        ("#tag", false), ("notes.tmp.md", false),
    ])
    func filtersEditorNames(name: String, ignored: Bool) {
        #expect(WatchNameFilter.isIgnored(name) == ignored)
    }
}
