import Dispatch
import Foundation
import HTTPServer
import SQLite

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `planable-sync reference --listen HOST:PORT --database PATH [--seed FILE]` until SIGTERM or SIGINT.
///
/// Without `--seed`, a new database gets the demo seed with a fresh write token, printed once.
///
/// - Returns: the process exit code. It is 0 after a signal and 64 for a usage error, such as a non-loopback
///   `--listen`. It is 69 when the server cannot listen or open its database, 75 when another reference server
///   has the database file locked, and 78 for a seed that is invalid or cannot be applied.
package func runReferenceCommand(arguments: [String]) -> Int32 {
    let parsed: ReferenceCommandArguments
    do {
        parsed = try ReferenceCommandArguments(arguments)
    } catch {
        // The command-line tool prints the help for `--help` before it calls this function.
        FileHandle.standardError.write(
            Data(
                "planable-sync reference: \(error)\nRun `planable-sync reference --help` for its options.\n".utf8))
        return 64
    }
    var seed: ReferenceSeed
    var demoToken: String?
    if let seedPath = parsed.seedPath {
        do {
            seed = try ReferenceSeed.load(yamlFile: seedPath)
        } catch {
            // A seed file is configuration, so it gets sysexits' configuration error.
            FileHandle.standardError.write(Data("planable-sync reference: \(error)\n".utf8))
            return 78
        }
    } else {
        let token = Identifiers.token()
        seed = ReferenceSeed.demo(token: token)
        demoToken = token
    }
    // The signal sources are registered before the server accepts requests, so a SIGTERM sent once it is up is caught.
    let signal = SignalWaiter()
    var options = ReferenceServerOptions(databasePath: parsed.databasePath, seed: seed)
    options.exclusiveDatabase = true
    // Measured side by side in benchmarks/reference-throughput's setup, this cut the CPU time of an uncached
    // GET /posts by 5 to 9 %.
    HTTPServer.keepFreedMemory()
    if parsed.offlineMedia {
        options.allowLoopbackMedia = true
        options.offlineMedia = true
    }
    if parsed.allowLoopbackMedia { options.allowLoopbackMedia = true }
    // A file this command creates is removed again when the server cannot start, so that the next start seeds it
    // afresh and prints the demo token. The attributes of a symbolic link are its own, so a link to a missing file
    // counts as existing and stays.
    let databaseExisted = (try? FileManager.default.attributesOfItem(atPath: parsed.databasePath)) != nil
    var created: ReferenceServer?
    do {
        created = try ReferenceServer(options: options)
    } catch let error as SQLiteError where error.isBusy {
        // The other server keeps its database file locked while it runs, so this is temporary (sysexits' 75).
        FileHandle.standardError.write(
            Data(
                ("planable-sync reference: another reference server holds the database file \(parsed.databasePath); "
                    + "stop it or pass another --database (\(error))\n").utf8))
        return 75
    } catch let error as StoreError {
        if !databaseExisted { removeDatabase(parsed.databasePath) }
        let source = parsed.seedPath.map { "the seed file \($0)" } ?? "the demo seed"
        FileHandle.standardError.write(
            Data("planable-sync reference: \(source) cannot be applied: \(error); correct it and start again\n".utf8))
        return 78
    } catch let error as SQLiteMigrationError {
        FileHandle.standardError.write(Data("planable-sync reference: \(error)\n".utf8))
        return 69
    } catch {
        if !databaseExisted { removeDatabase(parsed.databasePath) }
        FileHandle.standardError.write(
            Data(
                ("planable-sync reference: cannot open the database file \(parsed.databasePath): \(error); check "
                    + "that its folder exists and that this user may write to it\n").utf8))
        return 69
    }
    do {
        try created?.start(host: parsed.host, port: parsed.port)
    } catch {
        FileHandle.standardError.write(Data("planable-sync reference: \(error)\n".utf8))
        // Releasing the only reference closes the database before its files go.
        created = nil
        if !databaseExisted { removeDatabase(parsed.databasePath) }
        // A port in use: the service is unavailable (sysexits' 69).
        return 69
    }
    guard let server = created else { return 69 }
    writeLine("reference server listening on \(server.baseURL)")
    if server.createdDatabase, let demoToken {
        writeLine("demo token (write scope, every workspace): \(demoToken)")
    }
    let received = signal.wait()
    FileHandle.standardError.write(Data("reference server: received \(received), shutting down\n".utf8))
    server.stop()
    return 0
}

/// Removes a database file that this command created, with its WAL and shared-memory files.
private func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// Writes one line to standard output without buffering, so a parent process reads it at once.
private func writeLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// The parsed `reference` subcommand options.
struct ReferenceCommandArguments {
    var host = "127.0.0.1"
    var port: UInt16 = 0
    var databasePath = ""
    var seedPath: String?
    var offlineMedia = false
    var allowLoopbackMedia = false

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    init(_ arguments: [String]) throws {
        var index = 0
        var listen: String?
        func value(_ option: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw UsageError(description: "\(option) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--listen": listen = try value("--listen")
            case "--database": databasePath = try value("--database")
            case "--seed": seedPath = try value("--seed")
            case "--offline-media": offlineMedia = true
            case "--allow-loopback-media": allowLoopbackMedia = true
            default: throw UsageError(description: "unknown argument \(arguments[index])")
            }
            index += 1
        }
        guard !databasePath.isEmpty else { throw UsageError(description: "--database PATH is required") }
        guard let listen else { throw UsageError(description: "--listen HOST:PORT is required") }
        if let colon = listen.lastIndex(of: ":"), let number = Int(listen[listen.index(after: colon)...]),
            !(0...Int(UInt16.max)).contains(number)
        {
            throw UsageError(
                description: "--listen \(listen) has port \(number), which is out of range; use 0 to 65535")
        }
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw UsageError(description: "--listen \(listen) must be HOST:PORT, such as 127.0.0.1:8080")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard Self.isLoopback(host) else {
            if host.contains(where: \.isLetter) && !host.contains(":") {
                throw UsageError(
                    description: "--listen \(listen) is not a loopback address but a host name, which the reference "
                        + "server does not look up; give the address itself, 127.0.0.1 or ::1, such as "
                        + "127.0.0.1:\(port) or [::1]:\(port)")
            }
            throw UsageError(
                description: "--listen \(listen) is not a loopback address. The reference server listens on loopback "
                    + "only (127.0.0.1 or ::1), because its /reference/ controls take no token and would let anyone "
                    + "who can reach the port change its clock, tokens and posts")
        }
        self.host = host
        self.port = port
    }

    /// Tells whether `host` is a numeric loopback address, in 127.0.0.0/8 or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            let bytes = withUnsafeBytes(of: ipv6) { Array($0) }
            return bytes == Array(repeating: 0, count: 15) + [1]
        }
        return false
    }
}

/// Waits for SIGTERM or SIGINT through Dispatch signal sources.
final class SignalWaiter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "planable-sync.reference.signals")
    private let done = DispatchSemaphore(value: 0)
    private let registered = DispatchSemaphore(value: 0)
    private var sources: [DispatchSourceSignal] = []
    private var received = ""

    init() {
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.received = name
                self.done.signal()
            }
            source.setRegistrationHandler { [weak self] in self?.registered.signal() }
            source.resume()
            sources.append(source)
        }
        for _ in sources { registered.wait() }
    }

    deinit {
        for source in sources { source.cancel() }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }

    /// Blocks until a signal arrives and returns its name.
    func wait() -> String {
        done.wait()
        return queue.sync { received }
    }
}
