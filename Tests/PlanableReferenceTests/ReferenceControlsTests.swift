import Foundation
import Testing

@testable import PlanableReference

@Suite struct ReferenceControlsTests {
    private func setClock(_ server: TestServer, _ body: JSONValue) throws -> TestServer.Reply {
        try server.send("POST", "/reference/clock", body: body, token: nil)
    }

    private func systemNow() -> Double { Date().timeIntervalSince1970 }

    @Test func clockResumeAfterSetFollowsSystemTime() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let set = try setClock(server, ["set": "2001-01-01T00:00:00Z"])
        #expect(set.status == 200)
        #expect(set.json["frozen"] == .bool(true))
        #expect(set.json["unixSeconds"] == .number(978_307_200))

        let resumed = try setClock(server, ["resume": true])
        #expect(resumed.status == 200)
        #expect(resumed.json["frozen"] == .bool(false))
        let reading = try #require(resumed.json["unixSeconds"]?.doubleValue)
        #expect(abs(reading - systemNow()) < 5, "the clock reads \(reading) after resume")
        #expect(abs(server.clock.now() - systemNow()) < 5)
    }

    @Test func clockResumeDropsAdvanceOfRunningClock() throws {
        let server = try TestServer(clock: ReferenceClock())
        defer { server.removeFiles() }
        let advanced = try setClock(server, ["advanceSeconds": 86_400])
        #expect(advanced.status == 200)
        #expect(advanced.json["frozen"] == .bool(false))
        #expect(server.clock.now() - systemNow() > 86_000)

        let resumed = try setClock(server, ["resume": true])
        #expect(resumed.status == 200)
        #expect(abs(server.clock.now() - systemNow()) < 5)
    }

    @Test func clockRunContinuesFromSetTime() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let start = 978_307_200.0
        let running = try setClock(server, ["set": "2001-01-01T00:00:00Z", "run": true])
        #expect(running.status == 200)
        #expect(running.json["frozen"] == .bool(false))
        let first = server.clock.now()
        #expect(first >= start)
        #expect(first < start + 5)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(server.clock.now() > first, "a running clock did not move")
    }

    @Test func clockResumeMustComeAlone() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let before = server.clock.now()
        let reply = try setClock(server, ["set": "2001-01-01T00:00:00Z", "resume": true])
        #expect(reply.status == 400)
        #expect(reply.errorCode == "VALIDATION_ERROR")
        #expect(reply.json["error"]?["message"]?.stringValue?.contains("resume") == true)
        #expect(server.clock.now() == before)
        #expect(server.clock.isFrozen)
    }
}
