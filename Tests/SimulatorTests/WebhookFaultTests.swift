import Diagnostics
import DuvoSimulator
import Foundation
import JSONCore
import Testing

@Suite("Webhook faults")
struct WebhookFaultTests {
    private static func spec(_ text: String) throws -> WebhookFaultSpec { try WebhookFaultSpec(parsing: text) }

    private static func fates(_ text: String, seed: UInt64, count: Int) throws -> [WebhookFate] {
        var plan = WebhookFaultPlan(spec: try spec(text), seed: seed)
        return (0..<count).map { _ in plan.next() }
    }

    private static func event(_ name: String, run: String) -> WebhookEvent {
        WebhookEvent(url: "http://127.0.0.1:9/hooks/t", event: name, runID: run, status: "completed")
    }

    @Test("the same seed and the same events give the same faults; another seed other faults")
    func seeded() throws {
        let text = "drop=0.2,duplicate=0.1,reorder=0.1,delay=0.1:2s"
        let first = try Self.fates(text, seed: 7, count: 300)
        #expect(first == (try Self.fates(text, seed: 7, count: 300)))
        #expect(first != (try Self.fates(text, seed: 8, count: 300)))
        let dropped = first.filter(\.dropped).count
        #expect((30...90).contains(dropped), "about 20% of 300 dropped, got \(dropped)")
        #expect(first.contains { $0.duplicated } && first.contains { $0.reordered })
        #expect(first.contains { $0.delayMilliseconds == 2000 })
        #expect(first.allSatisfy { !$0.dropped || $0 == WebhookFate(dropped: true) }, "a dropped event has no other fault")
        #expect(try Self.fates("", seed: 7, count: 50).allSatisfy { $0 == WebhookFate() })
    }

    @Test("a held event goes out right after its run's next event, or alone when its time is up")
    func reorderCore() throws {
        var dispatch = WebhookDispatch(plan: WebhookFaultPlan(spec: try Self.spec("reorder=1:5s"), seed: 1))
        let (a, b, c) = (Self.event("human_request", run: "r"), Self.event("run_completed", run: "r"),
                         Self.event("run_failed", run: "other"))
        let held = WebhookFate(reordered: true)
        #expect(dispatch.receive(a) == [.hold(a, generation: 1, milliseconds: 5000)])
        #expect(dispatch.receive(c) == [.hold(c, generation: 2, milliseconds: 5000)], "another run releases nothing")
        #expect(dispatch.receive(b) == [.deliver(b, WebhookFate()), .deliver(a, held)])
        #expect(dispatch.release(run: "r", generation: 1).isEmpty, "already sent when overtaken")
        #expect(dispatch.release(run: "other", generation: 2) == [.deliver(c, held)])
        #expect(dispatch.receive(a) == [.hold(a, generation: 3, milliseconds: 5000)])
        #expect(dispatch.releaseAll() == [.deliver(a, held)])
        #expect(dispatch.releaseAll().isEmpty)
        var dropping = WebhookDispatch(plan: WebhookFaultPlan(spec: try Self.spec("drop=1,reorder=1"), seed: 1))
        #expect(dropping.receive(a) == [.drop(a)])
    }

    @Test("through a real server: dropped events never arrive (no retry), duplicated ones twice, as the seed says")
    func dropAndDuplicate() async throws {
        let text = "drop=0.3,duplicate=0.3,seed=7"
        let expected = try Self.fates(text, seed: 7, count: 10)
        try #require(expected.contains { $0.dropped } && expected.contains { $0.duplicated })
        try #require(expected.contains { !$0.dropped && !$0.duplicated })
        let listener = try WebhookListener()
        let sim = try SimulatorHarness(speed: 400, webhookFaults: try Self.spec(text))
        var runs: [String] = []
        // One run at a time, so the n-th event is the n-th run's run_completed.
        for _ in expected {
            let id = try await sim.startRun("echo", webhookURL: listener.url)
            try await sim.waitFor(id, ["completed"])
            runs.append(id)
        }
        let total = expected.reduce(0) { $0 + ($1.dropped ? 0 : $1.duplicated ? 2 : 1) }
        _ = try await listener.wait { $0.count >= total }
        try await Task.sleep(for: .milliseconds(500))
        let payloads = listener.payloads
        let counts = runs.map { id in payloads.filter { $0["run_id"]?.stringValue == id }.count }
        #expect(counts == expected.map { $0.dropped ? 0 : $0.duplicated ? 2 : 1 })
        #expect(payloads.allSatisfy { $0["event"] == "run_completed" && $0["status"] == "completed" })
    }

    @Test("a delayed event, or a held one that no later event overtakes, arrives no sooner than its time",
          arguments: [("delay=1:1500ms", 1.5), ("reorder=1:300ms", 0.3)])
    func late(spec: String, seconds: Double) async throws {
        let listener = try WebhookListener()
        let sim = try SimulatorHarness(speed: 400, webhookFaults: try Self.spec(spec))
        let before = Date()
        let id = try await sim.startRun("echo", webhookURL: listener.url)
        _ = try await listener.wait { !$0.isEmpty }
        let arrival = try #require(listener.requests.first)
        #expect(arrival.payload["run_id"]?.stringValue == id)
        #expect(arrival.at.timeIntervalSince(before) >= seconds)
    }

    @Test("a reordered human_request arrives after the run's later run_completed")
    func reorder() async throws {
        let listener = try WebhookListener()
        let sim = try SimulatorHarness(speed: 400, webhookFaults: try Self.spec("reorder=1:60s"))
        let id = try await sim.startRun("approval", webhookURL: listener.url)
        let waiting = try await sim.waitFor(id, ["waiting"])
        #expect(listener.payloads.isEmpty, "human_request is held")
        let request = try #require(waiting["pending_human_request"]?["id"]?.stringValue)
        _ = try await sim.send("POST", "/v1/runs/\(id)/human-requests/\(request)/respond", body: ["approved": true])
        let all = try await listener.wait { $0.count >= 2 }
        #expect(all.compactMap { $0["event"]?.stringValue } == ["run_completed", "human_request"])
        #expect(all.last?["status"] == "waiting", "the held event still says what it said when it happened")
    }

    @Test("the info log says what was delivered, dropped, duplicated and retried, never the URL's path")
    func logs() async throws {
        let text = "drop=0.4,duplicate=0.4,seed=3"
        let expected = try Self.fates(text, seed: 3, count: 6)
        try #require(expected.contains { $0.dropped } && expected.contains { $0.duplicated })
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID()).log").path
        try #require(FileManager.default.createFile(atPath: logPath, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let log = try #require(FileHandle(forWritingAtPath: logPath))
        let listener = try WebhookListener(failFirst: 1, path: "/hooks/tok-s3cr3t?key=also-s3cr3t")
        let port = try #require(listener.url.split(separator: ":").last?.split(separator: "/").first)
        let sim = try SimulatorHarness(
            speed: 400, webhookFaults: try Self.spec(text),
            logger: Logger(label: "sim-test", level: .info, fd: log.fileDescriptor))
        for _ in expected {
            let id = try await sim.startRun("echo", webhookURL: listener.url)
            try await sim.waitFor(id, ["completed"])
        }
        let total = expected.reduce(0) { $0 + ($1.dropped ? 0 : $1.duplicated ? 2 : 1) } + 1
        _ = try await listener.wait { $0.count >= total }
        // The sender logs a delivery once its answer is back, after the listener counted it: read the log until
        // every line is there (a loaded machine took more than the 300 ms this once waited).
        let phrases = ["dropped (--webhook-faults; never sent)", "duplicated (--webhook-faults)", "(copy 2 of 2)",
                       "failed (attempt 1): HTTP 500", "delivered", "run_completed for run "]
        var written = ""
        let deadline = Date().addingTimeInterval(10)
        repeat {
            try await Task.sleep(for: .milliseconds(50))
            written = try String(contentsOfFile: logPath, encoding: .utf8)
        } while !phrases.allSatisfy(written.contains) && Date() < deadline
        #expect(written.contains("injecting webhook faults with seed=3"))
        for phrase in phrases {
            #expect(written.contains(phrase), "\(phrase) in \(written)")
        }
        #expect(written.contains("to http://127.0.0.1:\(port)/… "))
        #expect(!written.contains("s3cr3t"))
        try log.close()
    }

    @Test("redacted URLs keep scheme, host and port and hide everything else")
    func redactedURL() {
        func redacted(_ url: String) -> String {
            WebhookEvent(url: url, event: "run_completed", runID: "r", status: "completed").redactedURL
        }
        #expect(redacted("https://hooks.example.com:8443/duvo/tok") == "https://hooks.example.com:8443/…")
        #expect(redacted("https://user:pw@hooks.example.com") == "https://hooks.example.com/…")
        #expect(redacted("http://[::1]:9000/x?y=z") == "http://[::1]:9000/…")
        #expect(redacted("https://hooks.example.com/") == "https://hooks.example.com/")
    }

    @Test("specs are read as written; a bad one names the option, the part and what is expected")
    func specs() throws {
        let full = try Self.spec("drop=0.2,duplicate=0.1,reorder=0.1:5s,delay=0.1:2s,seed=7")
        #expect(full.dropRate == 0.2 && full.duplicateRate == 0.1 && full.reorderRate == 0.1 && full.delayRate == 0.1)
        #expect(full.delayMilliseconds == 2000 && full.reorderHoldMilliseconds == 5000 && full.seed == 7)
        let defaults = try Self.spec("delay=0.5,reorder=0.5")
        #expect(defaults.delayMilliseconds == 1000 && defaults.reorderHoldMilliseconds == 2000 && defaults.seed == nil)
        #expect(!(try Self.spec("drop=0,seed=3")).isEnabled)
        let bad: [String: String] = [
            "drop": "--webhook-faults 'drop': expected kind=value",
            "drop=1.5": "--webhook-faults 'drop=1.5': the probability must be a number from 0 to 1",
            "lose=0.1": "--webhook-faults 'lose=0.1': unknown kind; use drop, duplicate, delay, reorder or seed",
            "delay=0.1:soon": "--webhook-faults 'delay=0.1:soon': delay needs a duration such as 300ms or 2s (at most 60s)",
            "reorder=0.1:90s": "--webhook-faults 'reorder=0.1:90s': reorder needs a duration such as 300ms or 2s (at most 60s)",
            "drop=0.1:2s": "--webhook-faults 'drop=0.1:2s': drop takes no duration",
            "seed=-1": "--webhook-faults 'seed=-1': the seed must be a whole number",
        ]
        for (text, message) in bad {
            let error = #expect(throws: FaultSpecError.self) { try WebhookFaultSpec(parsing: text) }
            #expect(error?.description == message)
        }
        #expect(throws: FaultSpecError.self) { try FaultSpec(parsing: "5xx=0.1:2s") }
    }
}
