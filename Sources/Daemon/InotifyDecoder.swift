/// One `struct inotify_event` read from an inotify descriptor.
package struct InotifyRecord: Sendable, Equatable {
    /// The watch descriptor the event belongs to, or -1 for `IN_Q_OVERFLOW`.
    package var descriptor: Int32
    package var mask: UInt32
    /// The value that links an `IN_MOVED_FROM` record to its `IN_MOVED_TO` record; 0 for other events.
    package var cookie: UInt32
    /// The name inside the watched folder, or empty for events about the folder itself.
    package var name: String

    package init(descriptor: Int32, mask: UInt32, cookie: UInt32 = 0, name: String = "") {
        self.descriptor = descriptor
        self.mask = mask
        self.cookie = cookie
        self.name = name
    }
}

/// Decodes the bytes that `read(2)` returns from an inotify descriptor.
///
/// Each record is the fixed header `int wd; uint32_t mask; uint32_t cookie; uint32_t len;` in native byte order,
/// followed by `len` bytes of name padded with NUL bytes (see inotify(7)).
package enum InotifyDecoder {
    package static let headerSize = 16

    /// Returns the records in `buffer` in order. A truncated record at the end is dropped. The kernel never returns
    /// one, because `read` fails with `EINVAL` when the buffer cannot hold the next whole event.
    package static func decode(_ buffer: UnsafeRawBufferPointer) -> [InotifyRecord] {
        var records: [InotifyRecord] = []
        var offset = 0
        while offset + headerSize <= buffer.count {
            let descriptor = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard nameStart + length <= buffer.count else { break }
            let nameBytes = UnsafeRawBufferPointer(rebasing: buffer[nameStart..<nameStart + length])
            let nameLength = nameBytes.firstIndex(of: 0) ?? length
            // NOTE: a name that is not valid UTF-8 decodes with replacement characters, so its path cannot be opened.
            let name = String(decoding: nameBytes[0..<nameLength], as: UTF8.self)
            records.append(InotifyRecord(descriptor: descriptor, mask: mask, cookie: cookie, name: name))
            offset = nameStart + length
        }
        return records
    }

    /// Encodes `records` the way the kernel lays them out, padding each name to a multiple of 16 bytes. Tests use it
    /// to build synthetic buffers.
    package static func encode(_ records: [InotifyRecord]) -> [UInt8] {
        var bytes: [UInt8] = []
        for record in records {
            var name = Array(record.name.utf8)
            if !name.isEmpty {
                name.append(0)
                while name.count % 16 != 0 { name.append(0) }
            }
            withUnsafeBytes(of: record.descriptor) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: record.mask) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: record.cookie) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(name.count)) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: name)
        }
        return bytes
    }
}
