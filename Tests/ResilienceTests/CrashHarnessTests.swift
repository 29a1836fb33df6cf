import Foundation
import TestSupport
import Testing

/// Kills `sync` and `run` with SIGKILL at random moments, lets the last run finish, and checks that every item
/// has exactly one post group and consistent state.
///
/// `PLANABLE_SYNC_CRASH_TRIALS` sets the trial count (2 by default, so `make test` stays fast);
/// `scripts/crash-harness` runs 100.
@Suite(.serialized) struct CrashHarnessTests {
    static var trialCount: Int {
        ProcessInfo.processInfo.environment["PLANABLE_SYNC_CRASH_TRIALS"].flatMap(Int.init) ?? 2
    }

    static var itemCount: Int {
        ProcessInfo.processInfo.environment["PLANABLE_SYNC_CRASH_ITEMS"].flatMap(Int.init) ?? 200
    }

    /// The shortened request time limit of the processes under test, in seconds, so a resumed run that waits out
    /// a create that may still be in flight waits only this long.
    static let requestTimeout = "2"

    @Test func killAndResumeTrials() throws {
        var passed = 0
        var failed = 0
        var duplicates = 0
        var missing = 0
        var kills = 0
        var failures: [String] = []
        let started = Date()
        for trial in 0..<Self.trialCount {
            let outcome = try runTrial(number: trial)
            kills += outcome.kills
            duplicates += outcome.audit.duplicates
            missing += outcome.audit.missing
            if outcome.audit.isClean && outcome.finalStatus == 0 {
                passed += 1
            } else {
                failed += 1
                failures.append(
                    "trial \(trial) (\(outcome.mode)): exit \(outcome.finalStatus), \(outcome.audit.summary)")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print(
            "crash harness: \(passed) passed, \(failed) failed; duplicates \(duplicates), missing \(missing); "
                + "\(kills) kills over \(Self.trialCount) trials of \(Self.itemCount) items in "
                + String(format: "%.0f", seconds) + " s")
        #expect(failed == 0, "\(failures.joined(separator: "\n"))")
        #expect(duplicates == 0)
        #expect(missing == 0)
        #expect(kills >= Self.trialCount, "too few kills landed while a process was running")
    }

    struct TrialOutcome {
        var mode: String
        var kills: Int
        var finalStatus: Int32
        var audit: StateAudit
    }

    /// One trial: a fresh server and state, three to five kills, then runs of `sync` until one exits 0.
    ///
    /// Trials alternate between plain kills, kills while a create waits on injected latency (the server commits
    /// it after the client died), creates committed without an answer, and the daemon.
    private func runTrial(number: Int) throws -> TrialOutcome {
        let fixture = try ReferenceFixture(name: "crash")
        try fixture.writeConfiguration(template: "{{title}}\\n\\n{{text}}")
        try fixture.writeItems(Self.itemCount)
        let modes = ["plain", "latency", "lost-answer", "daemon"]
        let mode = modes[number % modes.count]
        switch mode {
        case "latency":
            try fixture.addFault(
                operation: "POST /posts", "\"kind\": \"latency\", \"latencyMs\": 300, \"probability\": 0.3")
        case "lost-answer":
            try fixture.addFault(
                operation: "POST /posts", "\"kind\": \"latency\", \"latencyMs\": 200, \"probability\": 0.2")
            try fixture.addFault(
                operation: "POST /posts",
                "\"kind\": \"commit-without-answer\", \"probability\": 0.05, \"seed\": \(number)")
        default:
            break
        }
        let environment = ["PLANABLE_SYNC_API_TIMEOUT": Self.requestTimeout]
        let command = mode == "daemon" ? "run" : "sync"
        var kills = 0
        for _ in 0..<Int.random(in: 3...5) {
            let running = try ProductProcess.start(
                [command, "--config", fixture.configPath], environment: fixture.environment.merging(environment) { $1 })
            Thread.sleep(forTimeInterval: Double.random(in: 0.15...2.5))
            if running.process.isRunning { kills += 1 }
            running.killNow()
            running.removeOutput()
        }
        try fixture.clearFaults()
        var final = try fixture.sync(environment: environment)
        for _ in 0..<2 where final.status != 0 {
            final = try fixture.sync(environment: environment)
        }
        let audit = try StateAudit(fixture: fixture, itemCount: Self.itemCount)
        return TrialOutcome(mode: mode, kills: kills, finalStatus: final.status, audit: audit)
    }
}
