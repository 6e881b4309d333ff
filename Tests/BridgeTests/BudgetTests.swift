import Foundation
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// Against a separately running `duvo sim` with its own key, team and rate limit, as against the real Duvo (the
/// bridge's and the simulator's logs are checked); key and team errors in memory.
@Suite("duvo rpc against duvo sim", .timeLimit(.minutes(3)))
struct BudgetTests {
    @Test("many follows share one budget: every follow completes, and Duvo never has to answer 429")
    func budgetHolds() async throws {
        // At 10x the runs last long enough that a bridge polling at will draws 429s from a 120/minute limit (with
        // `--rate-limit 0` it does); at 50x and 60/minute they ended before it could, and the pacing went untested.
        let (simulator, bridge, key) = try startBridgeOnSimulator(speed: 10, rateLimit: 120,
                                                                  bridgeArguments: ["--log-level", "debug"])
        defer { simulator.stop() }
        let flaky = try SimAgents.id("flaky")
        var subscriptions: [String] = []
        for _ in 0..<8 {
            let started = try await bridge.call("runs/start", ["agent_id": .string(flaky), "follow": true])
            subscriptions.append(try #require(started["subscription"]?.stringValue))
        }
        for subscription in subscriptions {
            let events = try await collectFollow(bridge, subscription: subscription, timeout: 150)
            #expect(events.last?["params"]?["reason"] == "terminal")
            let indices = events.compactMap { $0["method"] == "runs/message" ? $0["params"]?["index"]?.intValue : nil }
            #expect(indices == Array(0..<indices.count))
        }
        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)
        #expect(!bridge.stderr.text.contains("rate limited"), "the bridge paced itself instead of drawing 429s")
        #expect(!bridge.stderr.text.contains(key), "the key never appears in the bridge's logs")
        #expect(!bridge.stdoutText.contains(key))
        #expect(!simulator.stderr.text.contains(key), "nor in the simulator's")
    }

    @Test("a wrong key is -31001 saying which variable to check; another team is -31002")
    func authErrors() async throws {
        func bridge(key: String, team: String) throws -> InProcessBridge {
            try startInProcess { setup in
                setup.simulatorKeys = ["dv_right:acme"]
                setup.simulatorTeams = ["acme", "other"]
                setup.key = key
                setup.team = team
            }
        }
        let wrong = try bridge(key: "dv_wrong", team: "acme")
        let unauthorized = try await wrong.request("runs/list")
        #expect(unauthorized["error"]?["code"] == -31001)
        #expect(unauthorized["error"]?["message"]?.stringValue?.contains("DUVO_API_KEY") == true)
        #expect(unauthorized["error"]?["data"]?["http_status"] == 401)
        let right = try bridge(key: "dv_right", team: "other")
        let forbidden = try await right.request("runs/list")
        #expect(forbidden["error"]?["code"] == -31002)
        #expect(try await right.call("runs/list", ["team_id": "acme"])["total"] == 0)
    }

    @Test("a key alone starts a run on API v2 (through POST /v1/runs, said at debug level); listing names the team")
    func keyAloneStartsARun() async throws {
        let simulator = try SimulatorProcess(speed: 50, extraArguments: ["--api-key", "dv_alone:acme", "--team", "acme"])
        defer { simulator.stop() }
        let bridge = try RPCProcess(arguments: ["rpc", "--log-level", "debug"], environment: RPCProcess.cleanEnvironment(
            adding: ["DUVO_BASE_URL": simulator.baseURL, "DUVO_API_KEY": "dv_alone"]))
        let started = try await bridge.call("runs/start", ["agent_id": .string(try SimAgents.id("echo"))])
        let got = try await bridge.call("runs/get", ["run_id": .string(started.runID)])
        #expect(got["run"]?["id"] == started["run"]?["id"])
        #expect(bridge.stderr.text.contains("no team configured (DUVO_TEAM_ID or team_id), so through POST /v1/runs"))
        let listed = try await bridge.request("runs/list")
        #expect(listed["error"]?["code"] == -31009)
        #expect(listed["error"]?["message"]?.stringValue?.contains("DUVO_TEAM_ID") == true)
        let stats = try await bridge.request("runs/stats")
        #expect(stats["error"]?["message"]?.stringValue?.contains("DUVO_TEAM_ID") == true)
    }
}
