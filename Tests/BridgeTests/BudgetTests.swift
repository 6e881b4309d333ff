import Foundation
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// The rate budget, keys and teams, in memory against the simulator (whose request log and the server's are read).
@Suite("duvo rpc budget, keys and teams", .timeLimit(.minutes(3)))
struct BudgetTests {
    @Test("many follows share one budget: every follow completes, and Duvo never has to answer 429")
    func budgetHolds() async throws {
        // At 5x the runs last long enough that a bridge polling at will draws 429s from a 240/minute limit (with
        // no budget of its own it does); at 50x and 60/minute they ended before it could, and pacing went untested.
        let bridge = try startInProcess { setup in
            setup.speed = 5
            setup.rateLimit = 240
            setup.logLevel = .debug
        }
        let flaky = try bridge.agentID("flaky")
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
        #expect(await bridge.stopped() == .endOfInput)
        #expect(!bridge.simulatorLog.contains("-> 429"), "Duvo never had to refuse a request")
        #expect(!bridge.serverLog.contains("rate limited"), "the bridge paced itself instead of drawing 429s")
        #expect(!bridge.serverLog.contains(bridge.apiKey), "the key never appears in the bridge's logs")
        #expect(!bridge.outputText.contains(bridge.apiKey))
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
        let bridge = try startInProcess { setup in
            setup.simulatorKeys = ["dv_alone:acme"]
            setup.simulatorTeams = ["acme"]
            setup.key = "dv_alone"
            setup.team = nil
            setup.logLevel = .debug
        }
        let started = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("echo"))])
        let got = try await bridge.call("runs/get", ["run_id": .string(started.runID)])
        #expect(got["run"]?["id"] == started["run"]?["id"])
        #expect(bridge.serverLog.contains("no team configured (DUVO_TEAM_ID or team_id), so through POST /v1/runs"))
        let listed = try await bridge.request("runs/list")
        #expect(listed["error"]?["code"] == -31009)
        #expect(listed["error"]?["message"]?.stringValue?.contains("DUVO_TEAM_ID") == true)
        let stats = try await bridge.request("runs/stats")
        #expect(stats["error"]?["message"]?.stringValue?.contains("DUVO_TEAM_ID") == true)
    }
}
