import Foundation
import HTTPClient
import Testing
import Timestamps

@testable import PlanableReference

/// Group commit of API writes and the kept JSON of listed posts.
@Suite struct StoreGateTests {
    @Test func concurrentCreatesAllPersist() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)")
        var server: TestServer? = try TestServer(writeLimit: 10_000, directory: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        let workspace = try #require(try server?.workspaceID("Northwind Coffee"))
        let page = try #require(try server?.pageID("Northwind LinkedIn"))
        let created = LockedValue<[String]>([])
        let failures = LockedValue<[String]>([])
        let baseURL = try #require(server?.server.baseURL)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let client = HTTPClient()
            for index in 0..<12 {
                let body: JSONValue = [
                    "workspaceId": .string(workspace), "pageId": .string(page), "text": .string("w\(worker) #\(index)"),
                ]
                let request = HTTPRequest(
                    method: "POST", url: baseURL + "/posts",
                    headers: [("Authorization", "Bearer \(TestServer.token)"), ("Content-Type", "application/json")],
                    body: body.serialized, timeout: 10)
                do {
                    let response = try client.send(request)
                    let json = try JSONParser.parse(response.body)
                    if response.status == 201, let id = json["posts"]?.arrayValue?.first?["id"]?.stringValue {
                        created.withLock { $0.append(id) }
                    } else {
                        failures.withLock {
                            $0.append("\(response.status) \(String(decoding: response.body, as: UTF8.self))")
                        }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(created.withLock { $0.count } == 96)

        // A new server on the same file lists every create that got a 201 response.
        server?.server.stop()
        server = nil
        let reopened = try TestServer(directory: directory)
        let listed = try reopened.send("GET", "/posts?workspaceId=\(workspace)&limit=100").data.arrayValue ?? []
        let listedIDs = Set(listed.compactMap { $0["id"]?.stringValue })
        #expect(listedIDs.isSuperset(of: created.withLock { $0 }))
    }

    /// Inserts label `gate-label-NAME` into `workspace`.
    private func insertLabel(_ store: ReferenceStore, _ name: String, workspace: String) throws {
        try store.database.run(
            "INSERT INTO labels (id, workspace_id, name, color, created_at) VALUES (?, ?, ?, 'red', 0)",
            ["gate-label-\(name)", workspace, "Label \(name)"])
    }

    private func gateLabels(_ gate: StoreGate) throws -> [String] {
        try gate.withLock { store in
            try store.database.query("SELECT id FROM labels WHERE id LIKE 'gate-label-%' ORDER BY id").compactMap {
                $0.string("id")
            }
        }
    }

    /// Waits up to 5 seconds for another thread to wait for the gate's lock.
    private func awaitWaitingWriter(_ gate: StoreGate) {
        let deadline = Date().addingTimeInterval(5)
        while gate.writersWaitingCount == 0 && Date() < deadline { usleep(100) }
    }

    /// A `withLock` body that throws after writing, as an admin action may, leaves none of its rows, with no
    /// batch open and inside an open batch, whose other writes stay.
    @Test func failedLockedBodyLeavesNoRows() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let gate = server.server.store
        let workspace = try server.workspaceID("Northwind Coffee")
        #expect(throws: APIError.self) {
            try gate.withLock { store in
                try insertLabel(store, "alone", workspace: workspace)
                throw APIError.validation("failed on purpose")
            }
        }
        #expect(try gateLabels(gate) == [])

        // Two write requests under way make the committer, not the write, commit its batch, after waiting up to a
        // millisecond for them. The body runs in that batch unless the committer was quicker, so this tries again
        // until it did.
        var sawOpenBatch = false
        var committedLabels: [String] = []
        for attempt in 0..<20 where !sawOpenBatch {
            gate.beginWriteRequest()
            gate.beginWriteRequest()
            let answered = DispatchSemaphore(value: 0)
            gate.perform(
                writing: true, { try insertLabel($0, "kept-\(attempt)", workspace: workspace) },
                completion: { _ in answered.signal() })
            committedLabels.append("gate-label-kept-\(attempt)")
            #expect(throws: APIError.self) {
                try gate.withLock { store in
                    sawOpenBatch = gate.batchIsOpen
                    try insertLabel(store, "partial-\(attempt)", workspace: workspace)
                    throw APIError.validation("failed on purpose")
                }
            }
            gate.endWriteRequest()
            gate.endWriteRequest()
            #expect(answered.wait(timeout: .now() + 10) == .success)
        }
        #expect(sawOpenBatch)
        #expect(try gateLabels(gate) == committedLabels.sorted())
    }

    /// After SQLite rolled the open batch back by itself, during work that did not notice (a ROLLBACK here
    /// stands for an I/O error), the batch's write is reported as failed, and the next write commits and is
    /// reported as done.
    @Test func writeAfterRollbackBySQLiteSucceeds() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let gate = server.server.store
        let workspace = try server.workspaceID("Northwind Coffee")

        // As in failedLockedBodyLeavesNoRows, the rollback lands in the open batch unless the committer was
        // quicker, so this tries again until it did.
        var rolledBack = false
        for attempt in 0..<20 where !rolledBack {
            gate.beginWriteRequest()
            gate.beginWriteRequest()
            let first = LockedValue<Bool?>(nil)
            let firstAnswered = DispatchSemaphore(value: 0)
            gate.perform(
                writing: true, { try insertLabel($0, "lost-\(attempt)", workspace: workspace) },
                completion: { result in
                    let succeeded = (try? result.get()) != nil
                    first.withLock { $0 = succeeded }
                    firstAnswered.signal()
                })

            rolledBack = gate.withLockUncommitted { store in
                guard gate.batchIsOpen else { return false }
                try? store.database.execute("ROLLBACK")
                return true
            }

            let second = LockedValue<Bool?>(nil)
            let secondAnswered = DispatchSemaphore(value: 0)
            gate.perform(
                writing: true, { try insertLabel($0, "second-\(attempt)", workspace: workspace) },
                completion: { result in
                    let succeeded = (try? result.get()) != nil
                    second.withLock { $0 = succeeded }
                    secondAnswered.signal()
                })
            gate.endWriteRequest()
            gate.endWriteRequest()
            #expect(firstAnswered.wait(timeout: .now() + 10) == .success)
            #expect(secondAnswered.wait(timeout: .now() + 10) == .success)
            #expect(second.withLock { $0 } == true)
            if rolledBack {
                #expect(first.withLock { $0 } == false)
                #expect(try gateLabels(gate).contains("gate-label-second-\(attempt)"))
                #expect(try !gateLabels(gate).contains("gate-label-lost-\(attempt)"))
            }
        }
        #expect(rolledBack)
        #expect(gate.withLockUncommitted { $0.database.isAutocommit })
    }

    @Test func loneWriteCommitsInPlace() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let gate = server.server.store
        let workspace = try server.workspaceID("Northwind Coffee")
        let caller = pthread_self()
        let outcome = LockedValue<(Int, pthread_t)?>(nil)
        gate.perform(
            writing: true,
            { store -> Int in
                try insertLabel(store, "lone", workspace: workspace)
                return 1
            },
            completion: { result in outcome.withLock { $0 = ((try? result.get()) ?? 0, pthread_self()) } })
        // No other write was under way, so this thread committed and called the completion before returning.
        let (value, thread) = try #require(outcome.withLock { $0 })
        #expect(value == 1)
        #expect(thread == caller)
        #expect(gate.withLockUncommitted { $0.database.isAutocommit })
        #expect(try gateLabels(gate) == ["gate-label-lone"])
    }

    @Test func writeBesideOtherRequestsGoesToCommitter() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let gate = server.server.store
        let workspace = try server.workspaceID("Northwind Coffee")
        // Another write request is under way, so the committer may gather it into the same commit.
        gate.beginWriteRequest()
        gate.beginWriteRequest()
        let caller = pthread_self()
        let answered = DispatchSemaphore(value: 0)
        let thread = LockedValue<pthread_t?>(nil)
        gate.perform(
            writing: true,
            { store -> Int in
                try insertLabel(store, "shared", workspace: workspace)
                return 1
            },
            completion: { _ in
                thread.withLock { $0 = pthread_self() }
                answered.signal()
            })
        gate.endWriteRequest()
        gate.endWriteRequest()
        #expect(answered.wait(timeout: .now() + 10) == .success)
        #expect(thread.withLock { $0 } != caller)
        #expect(try gateLabels(gate) == ["gate-label-shared"])
    }

    @Test func waitingWriterSendsBatchToCommitter() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let gate = server.server.store
        let workspace = try server.workspaceID("Northwind Coffee")
        let firstRunning = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        let firstThread = LockedValue<pthread_t?>(nil)
        let answeringThread = LockedValue<pthread_t?>(nil)
        done.enter()
        Thread {
            firstThread.withLock { $0 = pthread_self() }
            gate.perform(
                writing: true,
                { store -> Int in
                    try insertLabel(store, "0", workspace: workspace)
                    firstRunning.signal()
                    awaitWaitingWriter(gate)
                    return 0
                },
                completion: { _ in
                    answeringThread.withLock { $0 = pthread_self() }
                    done.leave()
                })
        }.start()
        firstRunning.wait()
        done.enter()
        // The second write waits for the lock while the first holds it, so the first leaves the commit to the
        // committer. The second fails and rolls back only its own row.
        let second = LockedValue<Bool?>(nil)
        gate.perform(
            writing: true,
            { store -> Int in
                try insertLabel(store, "1", workspace: workspace)
                throw APIError.validation("failed on purpose")
            },
            completion: { result in
                second.withLock {
                    if case .failure = result { $0 = false } else { $0 = true }
                }
                done.leave()
            })
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(answeringThread.withLock { $0 } != firstThread.withLock { $0 })
        #expect(second.withLock { $0 } == false)
        #expect(try gateLabels(gate) == ["gate-label-0"])
    }

    /// Returns the first post of the workspace's listing. Each `queryNumber` gives a query string of its own, which misses the
    /// response cache, so the listing reads the kept post JSON.
    private func firstListed(_ server: TestServer, workspace: String, queryNumber: Int) throws -> JSONValue? {
        try server.send("GET", "/posts?workspaceId=\(workspace)&n=\(queryNumber)").data.arrayValue?.first
    }

    @Test func listShowsNewCommentCount() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let id = try #require(post["id"]?.stringValue)
        let workspace = try server.workspaceID("Northwind Coffee")
        #expect(
            try firstListed(server, workspace: workspace, queryNumber: 1)?["commentsCounter"]
                == 0)
        let comment = try server.send("POST", "/posts/\(id)/comments", body: ["text": "Looks good"])
        #expect(comment.status == 201)
        #expect(
            try firstListed(server, workspace: workspace, queryNumber: 2)?["commentsCounter"]
                == 1)
    }

    @Test func listShowsRenamedLabel() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let label = try server.send(
            "POST", "/labels", body: ["workspaceId": .string(workspace), "text": "Launch", "color": "fog"])
        #expect(label.status == 201)
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind LinkedIn", extra: [("labels", ["Launch"])])
        #expect(post["labels"]?.arrayValue?.first?["text"] == "Launch")
        #expect(
            try firstListed(server, workspace: workspace, queryNumber: 1)?["labels"]?.arrayValue?.first?["text"]
                == "Launch")
        _ = try server.server.store.withLock { store in
            try store.database.run("UPDATE labels SET name = 'Relaunch' WHERE name = 'Launch'")
        }
        let listed = try firstListed(server, workspace: workspace, queryNumber: 2)
        #expect(listed?["labels"]?.arrayValue?.first?["text"] == "Relaunch")
    }

    @Test func listShowsRowChangedBelowAPI() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let post = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn")
        let id = try #require(post["id"]?.stringValue)
        let workspace = try server.workspaceID("Northwind Coffee")
        #expect(
            try firstListed(server, workspace: workspace, queryNumber: 1)?["plainText"]
                == "Hello")
        // A savepoint rolled back after the change must not leave the changed JSON behind.
        _ = try? server.server.store.withLock { store in
            try store.database.transaction {
                try store.database.run("UPDATE posts SET text = 'Rolled back' WHERE id = ?", [id])
                _ = try store.postListJSON(
                    rowIDs: store.postRowIDs(workspaceID: workspace, pageID: nil, campaignID: nil, offset: 0, limit: 20)
                        .rowIDs,
                    workspace: try #require(try store.workspace(id: workspace)), pagination: .null)
                throw APIError.validation("undo")
            }
        }
        #expect(
            try firstListed(server, workspace: workspace, queryNumber: 2)?["plainText"]
                == "Hello")
        _ = try server.server.store.withLock { store in
            try store.database.run("UPDATE posts SET text = 'Changed' WHERE id = ?", [id])
        }
        #expect(
            try firstListed(server, workspace: workspace, queryNumber: 3)?["plainText"]
                == "Changed")
    }

    @Test func listPagesFollowNewPosts() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        for _ in 0..<3 { _ = try server.createPost(workspace: "Northwind Coffee", page: "Northwind LinkedIn") }
        let path = "/posts?workspaceId=\(workspace)&limit=2"
        let first = try server.send("GET", path + "&n=1")
        #expect(first.data.arrayValue?.count == 2)
        #expect(first.json["pagination"]?["hasMore"] == .bool(true))
        let newest = try server.createPost(workspace: "Northwind Coffee", page: "Northwind X")
        let second = try server.send("GET", path + "&n=2")
        #expect(second.data.arrayValue?.first?["id"] == newest["id"])
        #expect(second.data.arrayValue?.dropFirst().first?["id"] == first.data.arrayValue?.first?["id"])
        let last = try server.send("GET", path + "&offset=2&n=3").data.arrayValue ?? []
        #expect(last.count == 2)
        #expect(last.first?["id"] == first.data.arrayValue?.last?["id"])
        let deleted = try #require(newest["id"]?.stringValue)
        #expect(try server.send("DELETE", "/posts/\(deleted)").status == 204)
        let third = try server.send("GET", path + "&n=4")
        #expect(third.data.arrayValue?.first?["id"] == first.data.arrayValue?.first?["id"])
    }

    /// A cached response is served without the store's lock only while no lifecycle step is due. The clock moves
    /// here without the controls, which would also mark the lifecycle as changed. It moves by less than the second
    /// within which the token counts as checked, so only the scheduled post's due time can stop the cached response.
    @Test func cachedReadWaitsForDueLifecycleStep() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let start = server.clock.now()
        let post = try server.createPost(
            workspace: "Northwind Coffee", page: "Northwind LinkedIn",
            extra: [("scheduledAt", .string(Timestamp.format(start + 60))), ("publishAtScheduledDate", true)])
        let path = "/posts/\(try #require(post["id"]?.stringValue))"
        server.clock.set(start + 59.8)
        for _ in 0..<3 { #expect(try server.send("GET", path).data["status"] == "scheduled") }
        server.clock.set(start + 60.3)
        #expect(try server.send("GET", path).data["status"] == "publishing")
    }

    /// A repeated listing shows a write from the first read after the write's response, whether the write
    /// committed on its own or in a batch with others.
    @Test func cachedListShowsCommittedWrites() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let path = "/posts?workspaceId=\(workspace)&limit=100"
        var expected = try server.send("GET", path).data.arrayValue?.count ?? 0
        for round in 0..<5 {
            #expect(try server.send("GET", path).data.arrayValue?.count == expected)
            // Two writers at once, so that some writes share a batch that the committer commits.
            let statuses = LockedValue<[Int]>([])
            let (baseURL, page) = (server.server.baseURL, try server.pageID("Northwind LinkedIn"))
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                let body: JSONValue = ["workspaceId": .string(workspace), "pageId": .string(page), "text": "Batch"]
                let request = HTTPRequest(
                    method: "POST", url: baseURL + "/posts",
                    headers: [("Authorization", "Bearer \(TestServer.token)"), ("Content-Type", "application/json")],
                    body: body.serialized, timeout: 10)
                let status = (try? HTTPClient().send(request).status) ?? 0
                statuses.withLock { $0.append(status) }
            }
            #expect(statuses.withLock { $0 } == [201, 201])
            expected += 2
            #expect(try server.send("GET", path).data.arrayValue?.count == expected, "round \(round)")
        }
    }

    /// A write that fails after its request's lifecycle step published a post rolls the step back, so the next
    /// request must take the step again rather than trust what the rolled-back step noted in memory.
    @Test func failedWriteRedoesLifecycle() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let workspace = try server.workspaceID("Northwind Coffee")
        let page = try server.pageID("Northwind Facebook")
        let created = try server.send(
            "POST", "/posts",
            body: [
                "workspaceId": .string(workspace), "pageId": .string(page), "text": "Due soon",
                "scheduledAt": .string(Timestamp.format(server.clock.now() + 60)), "publishAtScheduledDate": true,
            ])
        let id = try #require(created.json["posts"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try server.send("GET", "/posts/\(id)").data["status"] == "scheduled")
        server.clock.advance(by: 70)
        let late = try server.send("PATCH", "/posts/\(id)", body: ["text": "Too late"])
        #expect(late.status == 400)
        #expect(late.errorCode == "POST_ALREADY_PUBLISHED")
        let current = try server.send("GET", "/posts/\(id)").data
        #expect(current["status"] == "published")
        #expect(current["plainText"] == "Due soon")
    }

    /// The same within the second in which a token counts as checked, so that the reads after the failed write
    /// look up a cached response without the store's lock. The test then moves the clock through the controls.
    @Test func cachedReadAfterRollbackAndClockControl() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let start = server.clock.now()
        let posts = try (0..<2).map { _ in
            try server.createPost(
                workspace: "Northwind Coffee", page: "Northwind Facebook",
                extra: [("scheduledAt", .string(Timestamp.format(start + 60))), ("publishAtScheduledDate", true)])
        }
        let ids = try posts.map { try #require($0["id"]?.stringValue) }
        server.clock.set(start + 59.8)
        for _ in 0..<2 { #expect(try server.send("GET", "/posts/\(ids[0])").data["status"] == "scheduled") }
        server.clock.set(start + 60.3)
        let late = try server.send("PATCH", "/posts/\(ids[0])", body: ["text": "Too late"])
        #expect(["PUBLISHING_IN_PROGRESS", "POST_ALREADY_PUBLISHED"].contains(late.errorCode))
        let current = try server.send("GET", "/posts/\(ids[0])").data
        #expect(current["status"] == "publishing")
        #expect(current["plainText"] != "Too late")

        // The controls move the clock past the end of the 2 s publication, within a second of the token's check.
        server.clock.set(start + 61.5)
        for _ in 0..<2 { #expect(try server.send("GET", "/posts/\(ids[1])").data["status"] == "publishing") }
        let finished = Timestamp.format(start + 62.2)
        #expect(try server.send("POST", "/reference/clock", body: ["set": .string(finished)], token: nil).status == 200)
        #expect(try server.send("GET", "/posts/\(ids[1])").data["status"] == "published")
    }

    @Test func objectIDsSortInCreationOrder() {
        let ids = (0..<1000).map { _ in Identifiers.objectID() }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 24 })
        #expect(ids.allSatisfy { $0.allSatisfy(\.isHexDigit) })
        let seconds = UInt32(ids[0].prefix(8), radix: 16) ?? 0
        #expect(abs(Double(seconds) - Date().timeIntervalSince1970) < 60)
    }
}
