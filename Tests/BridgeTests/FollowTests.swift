import Foundation
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// Follows push every message exactly once, in order, before the terminal status; then end.
@Suite("duvo rpc follows", .timeLimit(.minutes(2)))
struct FollowTests {
    @Test("a follow delivers exactly the messages runs/messages returns, in order, then the terminal status",
          arguments: ["flaky", "chatty", "approval"])
    func exactlyOnceInOrder(agent: String) async throws {
        let bridge = try startInProcess()
        let started = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID(agent)),
                                                           "message": "go", "follow": true])
        let subscription = try #require(started["subscription"]?.stringValue)
        let runID = started.runID
        if agent == "approval" {
            _ = try await bridge.call("runs/wait", ["run_id": .string(runID), "until": "attention"], timeout: 40)
            _ = try await bridge.call("runs/respond", ["run_id": .string(runID), "approved": false])
        }
        let events = try await collectFollow(bridge, subscription: subscription)
        let messages = events.filter { $0["method"] == "runs/message" }.compactMap { $0["params"] }
        #expect(messages.map { $0["index"]?.intValue } == Array(0..<messages.count).map { Optional($0) })
        let listed = try await bridge.call("runs/messages", ["run_id": .string(runID), "all": true])
        #expect(messages.map { $0["message"] } == (listed["messages"]?.arrayValue ?? []).map { Optional($0) })
        let statuses = events.filter { $0["method"] == "runs/status" }.compactMap { $0["params"] }
        #expect(statuses.first?["previous_status"] == .null)
        for (earlier, later) in zip(statuses, statuses.dropFirst()) {
            #expect(later["previous_status"] == earlier["status"])
        }
        let terminal = try #require(statuses.last)
        #expect(terminal["status"] == "completed")
        let terminalPosition = try #require(events.firstIndex { $0["params"] == terminal })
        #expect(events[..<terminalPosition].filter { $0["method"] == "runs/message" }.count == messages.count,
                "every message comes before the terminal status")
        let ended = try #require(events.last?["params"])
        #expect(ended["reason"] == "terminal")
        #expect(ended["status"] == "completed")
        #expect(ended["run_id"]?.stringValue == runID)
    }

    @Test("several follows of one run each get every message; offset skips; unfollow ends one early")
    func sharedFollows() async throws {
        // The chatty run must outlast the unfollow below, so its clock runs at 5x, not 50x.
        let bridge = try startInProcess { $0.speed = 5 }
        let runID = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("chatty"))]).runID
        let first = try #require(try await bridge.call("runs/follow", ["run_id": .string(runID)])["subscription"]?
            .stringValue)
        let second = try #require(try await bridge.call("runs/follow", ["run_id": .string(runID), "offset": 5])[
            "subscription"]?.stringValue)
        let third = try #require(try await bridge.call("runs/follow", ["run_id": .string(runID)])["subscription"]?
            .stringValue)
        #expect(try await bridge.call("runs/unfollow", ["subscription": .string(third)])["success"] == true)
        #expect(try await bridge.call("runs/unfollow", ["subscription": .string(third)])["success"] == false)

        let firstEvents = try await collectFollow(bridge, subscription: first)
        let secondEvents = try await collectFollow(bridge, subscription: second)
        let indices = { (events: [JSONValue]) in
            events.filter { $0["method"] == "runs/message" }.compactMap { $0["params"]?["index"]?.intValue }
        }
        let all = indices(firstEvents)
        #expect(all == Array(0..<all.count))
        #expect(all.count > 100, "chatty has hundreds of messages, paged through")
        #expect(indices(secondEvents) == Array(5..<all.count))
        let ended = try await bridge.notification("runs/followEnded", subscription: third)
        #expect(ended["params"]?["reason"] == "unfollowed")
    }

    @Test("past the most follows at once, runs/follow is -31011 naming the limit, and it follows again once one ends")
    func tooManyFollows() async throws {
        let bridge = try startInProcess { $0.maxFollows = 2 }
        let started = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("approval"))])
        let runID = started.runID
        var subscriptions: [String] = []
        for _ in 0..<2 {
            let followed = try await bridge.call("runs/follow", ["run_id": .string(runID)])
            subscriptions.append(try #require(followed["subscription"]?.stringValue))
        }
        let refused = try await bridge.request("runs/follow", ["run_id": .string(runID)])
        #expect(refused["error"]?["code"] == -31011)
        #expect(refused["error"]?["data"] == ["limit": 2])
        #expect(refused["error"]?["message"]?.stringValue?.contains("runs/unfollow") == true)
        _ = try await bridge.call("runs/unfollow", ["subscription": .string(subscriptions[0])])
        let again = try await bridge.call("runs/follow", ["run_id": .string(runID)])
        #expect(again["subscription"]?.stringValue != nil)
        _ = try await bridge.call("runs/stop", ["run_id": .string(runID)])
    }

    @Test("following an unknown run is an error answer, not a subscription")
    func unknownRun() async throws {
        let bridge = try startInProcess()
        let answer = try await bridge.request("runs/follow", ["run_id": .string(UUID().uuidString)])
        #expect(answer["error"]?["code"] == -31003)
        #expect(answer["error"]?["data"]?["http_status"] == 404)
    }
}
