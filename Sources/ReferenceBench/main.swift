// Measures the CPU time of the reference server's request handling, with requests sent straight to
// `ReferenceServer.handle` from a few threads instead of through libmicrohttpd and the network. Its figures move
// less between runs than those of benchmarks/reference-throughput, which measures the whole server.
//
// usage: reference-bench [--requests N] [--threads N] [--rounds N] [--only get|uncached|post|ping]
import Foundation
import HTTPServer
import PlanableReference

ReferenceBench.run(arguments: Array(CommandLine.arguments.dropFirst()))

enum ReferenceBench {
    static let token = "pln_benchmarkWriteToken0123456789abcdefgh"

    static func run(arguments: [String]) {
        var requests = 20_000
        var threads = 4
        var rounds = 5
        var only: String?
        var index = 0
        while index + 1 < arguments.count {
            if arguments[index] == "--only" {
                guard ["get", "uncached", "post", "ping"].contains(arguments[index + 1]) else { usage() }
                only = arguments[index + 1]
                index += 2
                continue
            }
            guard let value = Int(arguments[index + 1]), value > 0 else { usage() }
            switch arguments[index] {
            case "--requests": requests = value
            case "--threads": threads = value
            case "--rounds": rounds = value
            default: usage()
            }
            index += 2
        }
        if index != arguments.count || threads > requests { usage() }

        // As `planable-sync reference` does, with the database locked exclusively below, so that the numbers match
        // the stand-alone server's.
        HTTPServer.keepFreedMemory()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reference-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        temporaryFolder = folder
        defer { try? FileManager.default.removeItem(at: folder) }
        let server: ReferenceServer
        do {
            var options = ReferenceServerOptions(databasePath: folder.appendingPathComponent("bench.sqlite").path)
            options.seed = try seed(in: folder)
            options.exclusiveDatabase = true
            options.readLimitPerMinute = 1_000_000_000
            options.writeLimitPerMinute = 1_000_000_000
            server = try ReferenceServer(options: options)
        } catch {
            fail("could not start the reference server: \(error)")
        }
        let workspace = firstID(server, path: "/api/v1/workspaces")
        let page = firstID(server, path: "/api/v1/pages")
        let postBody = Array(
            "{\"workspaceId\":\"\(workspace)\",\"pageId\":\"\(page)\",\"text\":\"Benchmark post with some text to carry\"}"
                .utf8)
        for _ in 0..<40 { _ = send(server, post(postBody)) }

        // The uncached GET builds its query value from the round, the thread and the request's number in the
        // thread, so no two requests of a run share one.
        let kinds: [(String, String, @Sendable (Int, Int, Int) -> HTTPServerRequest)] = [
            ("ping", "GET /ping", { _, _, _ in get("/api/v1/ping") }),
            (
                "get", "GET /posts (20, cached)",
                { _, _, _ in get("/api/v1/posts", query: [("workspaceId", workspace), ("limit", "20")]) }
            ),
            (
                "uncached", "GET /posts (20, uncached)",
                { round, thread, number in
                    get(
                        "/api/v1/posts",
                        query: [("workspaceId", workspace), ("limit", "20"), ("n", "\(round)-\(thread)-\(number)")])
                }
            ),
            ("post", "POST /posts (one page)", { _, _, _ in post(postBody) }),
        ]
        print("reference request handling without the network: \(threads) threads, \(requests) requests a round,")
        print("median of \(rounds) rounds; CPU is the process's user and system time")
        print(String(repeating: " ", count: 28) + "  CPU µs/request   requests/s")
        for (short, name, make) in kinds where only == nil || only == short {
            var cpu: [Double] = []
            var rates: [Double] = []
            // Round 0 warms the caches and is not counted.
            for round in 0...rounds {
                let (cpuPerRequest, rate) = measure(
                    server, requests: requests, threads: threads, round: round, make: make)
                if round == 0 { continue }
                cpu.append(cpuPerRequest)
                rates.append(rate)
            }
            let line = name.padding(toLength: 28, withPad: " ", startingAt: 0)
            print(line + String(format: "  %14.1f %12.0f", median(cpu), median(rates)))
        }
        server.stop()
    }

    /// Sends `requests` requests from `threads` threads and returns the CPU µs per request and the requests per
    /// second.
    static func measure(
        _ server: ReferenceServer, requests: Int, threads: Int, round: Int,
        make: @escaping @Sendable (Int, Int, Int) -> HTTPServerRequest
    ) -> (Double, Double) {
        let perThread = requests / threads
        let group = DispatchGroup()
        let startCPU = cpuSeconds()
        let start = ContinuousClock.now
        for thread in 0..<threads {
            group.enter()
            Thread {
                for number in 0..<perThread { _ = send(server, make(round, thread, number)) }
                group.leave()
            }.start()
        }
        group.wait()
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        let cpu = cpuSeconds() - startCPU
        let total = Double(perThread * threads)
        return (cpu * 1e6 / total, total / elapsed)
    }

    /// Sends a request, waits for a deferred response, and exits when its status is not 200 or 201.
    static func send(_ server: ReferenceServer, _ request: HTTPServerRequest) -> HTTPServerResponse {
        var outcome = server.handle(request)
        if case .deferred(let reply) = outcome {
            guard let sent = reply.wait(timeout: 30) else { fail("no answer to \(request.method) \(request.path)") }
            outcome = sent
        }
        guard case .respond(let response) = outcome, response.status == 200 || response.status == 201 else {
            fail("\(request.method) \(request.path) failed: \(outcome)")
        }
        return response
    }

    static func firstID(_ server: ReferenceServer, path: String) -> String {
        let response = send(server, get(path))
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = object["data"] as? [[String: Any]], let id = data.first?["id"] as? String
        else { fail("\(path) listed nothing") }
        return id
    }

    static func get(_ path: String, query: [(name: String, value: String)] = []) -> HTTPServerRequest {
        HTTPServerRequest(method: "GET", path: path, query: query, headers: [("authorization", "Bearer \(token)")])
    }

    static func post(_ body: [UInt8]) -> HTTPServerRequest {
        HTTPServerRequest(
            method: "POST", path: "/api/v1/posts",
            headers: [("authorization", "Bearer \(token)"), ("content-type", "application/json")], body: body)
    }

    static func seed(in folder: URL) throws -> ReferenceSeed {
        let file = folder.appendingPathComponent("seed.yaml")
        let yaml = """
            companies:
              - name: Benchmark Agency
                members: [{name: Bench Mark, email: bench@example.com}]
                workspaces:
                  - name: Benchmark Workspace
                    timezone: UTC
                    approval: NONE
                    pages: [{name: Bench LinkedIn, platform: linkedin}]
                tokens: [{token: \(token), scope: write}]

            """
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try ReferenceSeed.load(yamlFile: file.path)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func usage() -> Never {
        fail("usage: reference-bench [--requests N] [--threads N] [--rounds N] [--only get|uncached|post|ping]")
    }

    /// The folder of the benchmark's database, which `fail` removes because `exit` skips `defer`.
    nonisolated(unsafe) static var temporaryFolder: URL?

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("reference-bench: \(message)\n".utf8))
        if let temporaryFolder { try? FileManager.default.removeItem(at: temporaryFolder) }
        exit(1)
    }
}
