import Foundation
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// Many follows at once are watched by team-wide sweeps (one listing of the team's runs by `updated_at`) instead of
/// one poll per run, against a simulator whose request log shows what the bridge asked.
@Suite("duvo rpc follows under team-wide sweeps", .timeLimit(.minutes(3)))
struct SweepTests {
    static let agents = ["chatty", "approval", "echo", "flaky", "questions", "failing", "chatty", "echo"]

    /// The server and simulator on team `acme` with a 300/minute limit, the simulator logging every request.
    static func start(speed: Double) throws -> InProcessBridge {
        try startInProcess { setup in
            setup.speed = speed
            setup.rateLimit = 300
            setup.simulatorTeams = ["acme"]
            setup.team = "acme"
            setup.logLevel = .debug
        }
    }

    @Test("each of many follows gets every message once, in order, its statuses in order, and ends after them")
    func manyFollowsLoseNothing() async throws {
        // A child process against a `duvo sim`, not in memory: how many runs are read one by one before the sweeps
        // take over depends on timing, and in this process the suite's other tests share the two threads of the
        // cooperative pool with the server (once, under the whole suite's load, a run was read 7 times, not 6).
        let (simulator, bridge, _) = try startBridgeOnSimulator(speed: 20, rateLimit: 300)
        defer { simulator.stop() }
        var runOf: [String: String] = [:]
        for agent in Self.agents {
            let started = try await bridge.call("runs/start", ["agent_id": .string(try SimAgents.id(agent)),
                                                               "message": "go", "follow": true])
            runOf[try #require(started["subscription"]?.stringValue)] = started.runID
        }

        // Read every notification until each follow ended, answering people's requests as they come.
        var events: [String: [JSONValue]] = [:]
        var open = Set(runOf.keys)
        while !open.isEmpty {
            let frame = try await bridge.frame(timeout: 90) { $0["id"] == nil && $0["params"]?["subscription"] != nil }
            let params = frame["params"] ?? .null
            let subscription = params["subscription"]?.stringValue ?? ""
            events[subscription, default: []].append(frame)
            if frame["method"] == "runs/followEnded" { open.remove(subscription) }
            if frame["method"] == "runs/status", params["status"] == "waiting",
               let pending = params["pending_human_request"], pending != .null {
                var answer: JSONValue = ["run_id": params["run_id"] ?? .null]
                if pending["type"] == "approval" {
                    answer["approved"] = true
                } else {
                    var answers: [String: JSONValue] = [:]
                    for question in pending["questions"]?.arrayValue ?? [] {
                        let label = question["options"]?[0]?["label"] ?? "yes"
                        answers[question["question"]?.stringValue ?? ""] =
                            question["multi_select"] == true ? [label] : label
                    }
                    answer["answers"] = .object(answers)
                }
                _ = try await bridge.call("runs/respond", answer)
            }
        }

        let logWhileFollowing = simulator.stderr.text

        for (subscription, runID) in runOf {
            let received = events[subscription] ?? []
            let messages = received.filter { $0["method"] == "runs/message" }.compactMap { $0["params"] }
            #expect(messages.map { $0["index"]?.intValue } == Array(0..<messages.count).map { Optional($0) })
            let listed = try await bridge.call("runs/messages", ["run_id": .string(runID), "all": true])
            #expect(messages.map { $0["message"] } == (listed["messages"]?.arrayValue ?? []).map { Optional($0) },
                    "run \(runID): every message exactly once, as Duvo lists them")
            let statuses = received.filter { $0["method"] == "runs/status" }.compactMap { $0["params"] }
            #expect(statuses.first?["previous_status"] == .null)
            for (earlier, later) in zip(statuses, statuses.dropFirst()) {
                #expect(later["previous_status"] == earlier["status"])
            }
            let final = try await bridge.call("runs/get", ["run_id": .string(runID)])
            #expect(statuses.last?["status"] == final["run"]?["status"])
            #expect(statuses.filter { ["completed", "failed", "stopped", "interrupted"].contains($0["status"]) }
                .count == 1, "one terminal status")
            let ended = try #require(received.last?["params"])
            #expect(received.last?["method"] == "runs/followEnded", "the end comes after every message")
            #expect(ended["reason"] == "terminal")
            #expect(ended["status"] == final["run"]?["status"])
        }

        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)
        let log = logWhileFollowing.split(separator: "\n")
        let sweeps = log.filter { $0.contains("GET /v2/teams/acme/runs?") && $0.contains("sort_by=updated_at") }
        // The first two runs are polled on their own until the third follow starts the sweeps; after that, a run
        // is read only to see a person's request (by the follow and by runs/respond), and per-run polls every 0.1 s
        // would have read each run dozens of times.
        let sweptRuns = runOf.filter { subscription, _ in !["sub-1", "sub-2"].contains(subscription) }.values
        let runReads = log.filter { line in sweptRuns.contains { line.contains("GET /v2/runs/\($0) ") } }
        #expect(!sweeps.isEmpty, "statuses come from team-wide listings")
        #expect(runReads.count <= 6, "the bridge read runs one by one: \(runReads.joined(separator: "; "))")
        #expect(!log.contains { $0.contains("-> 429") }, "no 429s")
    }

    @Test("runs/follow of runs started elsewhere needs no read of each run; an unknown run is still an error answer")
    func followsConfirmedBySweeps() async throws {
        // slow runs last 3 simulated minutes: all six are still going while they are followed (the later follows
        // each wait for a sweep, about a second apart; at 5x a loaded machine saw chatty runs end first, which
        // rightly ends the sweeps). The other system then stops them, so the test need not outwait them.
        let bridge = try Self.start(speed: 1)
        // Runs started by another system, as the Duvo API would see them.
        let http = HTTPTestClient.bearer(bridge.apiKey)
        var runIDs: [String] = []
        for _ in 0..<6 {
            let created = try await http.send("POST", "\(bridge.baseURL)/v2/teams/acme/runs",
                                              body: ["agent_id": .string(try bridge.agentID("slow")), "message": "go"])
            #expect(created.status == 201)
            runIDs.append(try #require(created.json["run"]?["id"]?.stringValue))
        }
        var subscriptions: [String] = []
        for runID in runIDs {
            let followed = try await bridge.call("runs/follow", ["run_id": .string(runID)])
            subscriptions.append(try #require(followed["subscription"]?.stringValue))
        }
        let unknown = try await bridge.request("runs/follow", ["run_id": "0b7c5a9e-3d1f-4f6a-9c2e-8d4b6a1f0e3c"])
        #expect(unknown["error"]?["code"] == -31003, "a run Duvo does not know is an error answer: \(unknown)")
        for runID in runIDs {
            let stopped = try await http.send("POST", "\(bridge.baseURL)/v2/runs/\(runID)/stop")
            #expect(stopped.json["success"] == true, "run \(runID) was still going when stopped: \(stopped.json)")
        }
        for subscription in subscriptions {
            let events = try await collectFollow(bridge, subscription: subscription, timeout: 90)
            #expect(events.last?["params"]?["reason"] == "terminal")
        }
        // The first three follows read their runs (sweeps start at three runs watched); the other three were
        // confirmed by a sweep listing, and nothing reads them one by one after: none of them waits for a person.
        let log = bridge.simulatorLog.split(separator: "\n")
        let laterReads = log.filter { line in runIDs.dropFirst(3).contains { line.contains("GET /v2/runs/\($0) ") } }
        #expect(laterReads.isEmpty, "runs read one by one: \(laterReads.joined(separator: "; "))")
    }
}
