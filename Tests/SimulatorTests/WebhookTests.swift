import DuvoSimulator
import Foundation
import HTTPServer
import JSONCore
import TestSupport
import Testing

/// A webhook receiver built on the package's own HTTP server; it can fail the first deliveries on purpose.
final class WebhookListener: Sendable {
    /// One POST as it arrived.
    struct Received: Sendable {
        var method: String
        var path: String
        var contentType: String?
        var payload: JSONValue
        var at: Date
    }

    let server: HTTPServer
    let url: String
    private let received: Locked<[Received]>

    init(failFirst: Int = 0, path: String = "/hooks/duvo") throws {
        let received = Locked<[Received]>([])
        let failures = Locked(failFirst)
        server = HTTPServer(port: 0) { request in
            let payload = (try? JSONParser().parse(request.body)) ?? .null
            received.withLock {
                $0.append(
                    Received(
                        method: request.method, path: request.path, contentType: request.headers["content-type"],
                        payload: payload, at: Date()))
            }
            let fail = failures.withLock { left -> Bool in
                defer { left -= 1 }
                return left > 0
            }
            return HTTPResponse(status: fail ? 500 : 204)
        }
        self.received = received
        url = "http://127.0.0.1:\(try server.start())" + path
    }

    deinit { server.stop() }

    var requests: [Received] { received.withLock { $0 } }
    var payloads: [JSONValue] { requests.map(\.payload) }

    /// Waits (up to 20 s) until `condition` holds for the received payloads.
    func wait(until condition: ([JSONValue]) -> Bool) async throws -> [JSONValue] {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let now = payloads
            if condition(now) { return now }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("webhook condition not met; received \(payloads.map(\.jsonString))")
    }
}

@Suite("Webhooks")
struct WebhookTests {
    private func events(_ payloads: [JSONValue], run: String) -> [String] {
        payloads.filter { $0["run_id"]?.stringValue == run }.compactMap { $0["event"]?.stringValue }
    }

    @Test("a run with webhook_url POSTs human_request and run_completed without anyone polling")
    func approvalEvents() async throws {
        let listener = try WebhookListener()
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("approval", webhookURL: listener.url)
        let first = try await listener.wait { events($0, run: id).contains("human_request") }
        #expect(first.first == ["event": "human_request", "run_id": .string(id), "status": "waiting"])
        let post = try #require(listener.requests.first)
        #expect(post.method == "POST" && post.path == "/hooks/duvo" && post.contentType == "application/json")
        let request = try #require(
            try await sim.send("GET", "/v1/runs/\(id)").json["pending_human_request"]?["id"]?.stringValue)
        _ = try await sim.send("POST", "/v1/runs/\(id)/human-requests/\(request)/respond", body: ["approved": true])
        let all = try await listener.wait { events($0, run: id).contains("run_completed") }
        #expect(events(all, run: id) == ["human_request", "run_completed"])
        #expect(all.last?["status"] == "completed")
    }

    @Test("the sender forgets a run once its deliveries are done, so a long-lived simulator does not grow per run")
    func senderForgetsDeliveredRuns() async throws {
        let listener = try WebhookListener()
        let sim = try SimulatorHarness(speed: 400)
        var runs: [String] = []
        for _ in 0..<20 { runs.append(try await sim.startRun("failing", webhookURL: listener.url)) }
        _ = try await listener.wait { payloads in runs.allSatisfy { events(payloads, run: $0) == ["run_failed"] } }
        let deadline = Date().addingTimeInterval(20)
        while sim.simulator.runsWithWebhooksInFlight > 0, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(sim.simulator.runsWithWebhooksInFlight == 0)
    }

    @Test("failed and interrupted runs send run_failed and run_interrupted; stopped runs send nothing")
    func terminalEvents() async throws {
        let listener = try WebhookListener()
        // Speed 10: the slow run lasts ~20 s, so it is surely still active when stopped, however loaded the machine.
        let sim = try SimulatorHarness(speed: 10)
        let stopped = try await sim.startRun("slow", webhookURL: listener.url)
        let stop = try await sim.send("POST", "/v1/runs/\(stopped)/stop")
        try #require(stop.json["success"] == true)
        let failing = try await sim.startRun("failing", webhookURL: listener.url)
        let interrupted = try await sim.startRun("interrupted", webhookURL: listener.url)
        let all = try await listener.wait {
            events($0, run: failing) == ["run_failed"] && events($0, run: interrupted) == ["run_interrupted"]
        }
        #expect(all.first { $0["run_id"]?.stringValue == failing }?["status"] == "failed")
        #expect(events(all, run: stopped).isEmpty)
    }

    @Test("a receiver that trickles its answer is cut off when the attempt's time is up: the delivery ends, not held")
    func tricklingReceiver() async throws {
        let listener = try LoopbackListener()
        let sim = try SimulatorHarness(speed: 400, webhookRetryDelays: [0.1], webhookAttemptTimeout: 1)
        _ = try await sim.startRun("failing", webhookURL: "http://127.0.0.1:\(listener.port)/hooks/duvo")
        // Each attempt is answered one byte every 0.25 s for 30 s: the session's own 5 s timeout never fires.
        let (first, _) = await listener.acceptRequest()
        LoopbackListener.trickle(first, every: 0.25, count: 120)
        Task {
            let (second, _) = await listener.acceptRequest()
            LoopbackListener.trickle(second, every: 0.25, count: 120)
        }
        let deadline = Date().addingTimeInterval(15)
        while sim.simulator.runsWithWebhooksInFlight > 0, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(sim.simulator.runsWithWebhooksInFlight == 0, "two attempts of 1 s each, then given up")
    }

    @Test("a delivery answered with 5xx is retried until it succeeds")
    func retries() async throws {
        let listener = try WebhookListener(failFirst: 2)
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("echo", webhookURL: listener.url)
        let all = try await listener.wait { $0.count >= 3 }
        #expect(events(all, run: id) == ["run_completed", "run_completed", "run_completed"])
        try await Task.sleep(for: .milliseconds(300))
        #expect(listener.payloads.count == 3)
    }
}

@Suite("Fault injection")
struct FaultInjectionTests {
    private func statuses(seed: UInt64, count: Int, spec: String) async throws -> [Int] {
        let sim = try SimulatorHarness(speed: 1, faults: try FaultSpec(parsing: spec), seed: seed)
        var result: [Int] = []
        for _ in 0..<count { result.append(try await sim.send("GET", "/v2/teams/local-team/runs").status) }
        return result
    }

    @Test("the same --seed gives the same sequence of 5xx and 429 answers; another seed another")
    func deterministic() async throws {
        let spec = "5xx=0.2,429=0.05"
        let first = try await statuses(seed: 42, count: 60, spec: spec)
        let again = try await statuses(seed: 42, count: 60, spec: spec)
        let other = try await statuses(seed: 43, count: 60, spec: spec)
        #expect(first == again)
        #expect(first != other)
        #expect(first.contains { [500, 502, 503].contains($0) })
        #expect(first.contains(200))
    }

    @Test("a 429 storm refuses several requests in a row with Retry-After 1")
    func storm() async throws {
        let sim = try SimulatorHarness(speed: 1, faults: try FaultSpec(parsing: "429=0.1"), seed: 3)
        var runs: [Int] = []
        var current = 0
        for _ in 0..<120 {
            let response = try await sim.send("GET", "/v2/teams/local-team/runs")
            if response.status == 429 {
                #expect(response.headers["retry-after"] == "1")
                #expect(response.json["error"] == "rate_limited")
                current += 1
            } else if current > 0 {
                runs.append(current)
                current = 0
            }
        }
        #expect(!runs.isEmpty)
        #expect(runs.allSatisfy { $0 % 6 == 0 }, "storm lengths \(runs)")
    }

    @Test("a dropped connection still applies the POST, so a blind retry creates a duplicate")
    func dropAppliesRequest() async throws {
        let sim = try SimulatorHarness(speed: 1, faults: try FaultSpec(parsing: "drop=0.5"), seed: 11)
        let port = try #require(UInt16(sim.baseURL.split(separator: ":").last ?? ""))
        let agent = try #require(BuiltInAgents.id(named: "slow"))
        let body = "{\"agent_id\":\"\(agent)\"}"
        // Raw sockets, one request per connection: an empty answer is exactly a dropped connection.
        func exchange(_ head: String, _ body: String = "") throws -> String {
            let socket = try RawSocket(port: port)
            try socket.write(
                head + "Authorization: Bearer dv_sim_local_key\r\nContent-Length: \(body.utf8.count)\r\n"
                    + "Connection: close\r\n\r\n" + body)
            return socket.readAll()
        }
        var answered = 0
        var dropped = 0
        while (dropped == 0 || answered == 0) && answered + dropped < 50 {
            let reply = try exchange("POST /v1/runs HTTP/1.1\r\n", body)
            if reply.isEmpty { dropped += 1 } else { answered += 1 }
            if !reply.isEmpty { #expect(reply.hasPrefix("HTTP/1.1 201")) }
        }
        var list = ""
        while list.isEmpty { list = try exchange("GET /v2/teams/local-team/runs HTTP/1.1\r\n") }
        #expect(dropped > 0)
        #expect(list.contains("\"total\":\(answered + dropped)"))
    }

    @Test("added latency still answers normally, and bad specs are rejected with a reason")
    func latencyAndSpecs() async throws {
        let sim = try SimulatorHarness(speed: 1, faults: try FaultSpec(parsing: "latency=1:50ms"), seed: 1)
        #expect(try await sim.send("GET", "/v2/teams/local-team/runs").status == 200)
        #expect(try FaultSpec(parsing: "default") == FaultSpec.standard)
        #expect(try FaultSpec(parsing: "latency=0.1:2s").latencyMilliseconds == 2000)
        for bad in ["5xx", "5xx=2", "boom=0.1", "latency=0.1:soon", "5xx=0.7,429=0.5"] {
            #expect(throws: FaultSpecError.self) { try FaultSpec(parsing: bad) }
        }
    }
}
