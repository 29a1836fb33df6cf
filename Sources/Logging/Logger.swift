import CSystemd
import Foundation
import Timestamps

/// Log levels in swift-log's order: info for lifecycle, debug for per-item decisions, trace for state changes.
package enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    package init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = level
    }

    /// The level names in order, for messages that list the valid ones: "trace, debug, ...".
    package static var nameList: String { allCases.map(\.name).joined(separator: ", ") }

    package var name: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    /// The syslog priority the journal expects in `PRIORITY=`.
    var syslogPriority: Int {
        switch self {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    package static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where log entries go.
package enum LogDestination: Sendable, Equatable {
    /// Human-readable lines on standard error.
    case text
    /// One JSON object per line on standard error.
    case jsonLines
    /// The systemd journal, with metadata as journal fields.
    case journal
    /// Nothing; for tests and commands whose output must stay clean.
    case none

    /// The journal when the process runs under systemd with its standard error connected to the journal
    /// (`JOURNAL_STREAM` names that stream), else text.
    package static var automatic: LogDestination {
        ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil ? .journal : .text
    }
}

/// A small structured logger: a fixed message plus metadata with dotted keys, as swift-log writes them.
///
/// Identical warnings and errors repeated within `repeatWindow` seconds are written once, and the next entry
/// after the window says how many were suppressed.
package final class Logger: @unchecked Sendable {
    package let label: String
    package let minimumLevel: LogLevel
    package let destination: LogDestination
    private let repeatWindow: TimeInterval
    private let lock = NSLock()
    private var recentErrors: [String: (first: Date, suppressed: Int)] = [:]
    private let output: @Sendable (String) -> Void

    package init(
        label: String, level: LogLevel = .info, destination: LogDestination = .automatic,
        repeatWindow: TimeInterval = 60,
        output: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.label = label
        self.minimumLevel = level
        self.destination = destination
        self.repeatWindow = repeatWindow
        self.output = output
    }

    package func trace(_ message: @autoclosure () -> String, _ metadata: [String: String] = [:]) {
        log(.trace, message(), metadata)
    }

    package func debug(_ message: @autoclosure () -> String, _ metadata: [String: String] = [:]) {
        log(.debug, message(), metadata)
    }

    package func info(_ message: @autoclosure () -> String, _ metadata: [String: String] = [:]) {
        log(.info, message(), metadata)
    }

    package func notice(_ message: @autoclosure () -> String, _ metadata: [String: String] = [:]) {
        log(.notice, message(), metadata)
    }

    package func warning(_ message: @autoclosure () -> String, _ metadata: [String: String] = [:]) {
        log(.warning, message(), metadata)
    }

    package func error(_ message: @autoclosure () -> String, _ metadata: [String: String] = [:]) {
        log(.error, message(), metadata)
    }

    package func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ metadata: [String: String] = [:]) {
        guard level >= minimumLevel, destination != .none else { return }
        let text = message()
        var fields = metadata
        if level >= .warning {
            guard let suppressed = admitRepeated(level: level, message: text, metadata: metadata) else { return }
            if suppressed > 0 { fields["log.suppressed_repeats"] = String(suppressed) }
        }
        write(level: level, message: text, metadata: fields)
    }

    /// Returns nil when the entry repeats one written within the window, else how many repeats were dropped.
    private func admitRepeated(level: LogLevel, message: String, metadata: [String: String]) -> Int? {
        let key = "\(level.name)|\(message)|\(metadata.sorted { $0.key < $1.key })"
        let now = Date()
        lock.lock()
        defer { lock.unlock() }
        if let entry = recentErrors[key], now.timeIntervalSince(entry.first) < repeatWindow {
            recentErrors[key] = (entry.first, entry.suppressed + 1)
            return nil
        }
        let suppressed = recentErrors[key]?.suppressed ?? 0
        recentErrors[key] = (now, 0)
        if recentErrors.count > 1000 {
            recentErrors = recentErrors.filter { now.timeIntervalSince($0.value.first) < repeatWindow }
        }
        return suppressed
    }

    private func write(level: LogLevel, message: String, metadata: [String: String]) {
        switch destination {
        case .none:
            return
        case .text:
            let timestamp = Timestamp.format(Date())
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted($0.value))" }
            let suffix = fields.isEmpty ? "" : " " + fields.joined(separator: " ")
            output("\(timestamp) \(level.name) \(label): \(message)\(suffix)\n")
        case .jsonLines:
            var object: [String: String] = ["level": level.name, "label": label, "message": message]
            object["timestamp"] = Timestamp.format(Date())
            for (key, value) in metadata { object[key] = value }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            output(String(decoding: data, as: UTF8.self) + "\n")
        case .journal:
            sendToJournal(level: level, message: message, metadata: metadata)
        }
    }

    private func sendToJournal(level: LogLevel, message: String, metadata: [String: String]) {
        var fields = ["MESSAGE=\(message)", "PRIORITY=\(level.syslogPriority)", "SYSLOG_IDENTIFIER=planable-sync"]
        fields.append("PLANABLE_LOGGER=\(label)")
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            fields.append("\(Self.journalFieldName(key))=\(value)")
        }
        let buffers = fields.map { Array($0.utf8) }
        let copies = buffers.map { bytes -> UnsafeMutableRawPointer in
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            return pointer
        }
        defer { copies.forEach { $0.deallocate() } }
        var vectors = zip(copies.indices, buffers).map { iovec(iov_base: copies[$0.0], iov_len: $0.1.count) }
        let result = sd_journal_sendv(&vectors, Int32(vectors.count))
        if result < 0 {
            FileHandle.standardError.write(Data("\(level.name) \(label): \(message)\n".utf8))
        }
    }

    /// Journal field names are upper-case ASCII letters, digits and underscores, not starting with an underscore.
    static func journalFieldName(_ key: String) -> String {
        let mapped = key.uppercased().map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber) ? character : "_"
        }
        let name = String(mapped).trimmingCharacters(in: CharacterSet(charactersIn: "_"))
        return name.isEmpty ? "FIELD" : name
    }

    static func quoted(_ value: String) -> String {
        if !value.isEmpty && !value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) {
            return value
        }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
