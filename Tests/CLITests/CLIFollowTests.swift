import Foundation
import JSONCore
import Testing
import TestSupport

@Suite("duvo runs: --follow and watch")
struct CLIFollowTests {
    @Test("start --follow --json prints each message once, in order, then the final status line")
    func followJSONLines() async throws {
        let cli = try await CLIHarness.simulated()
        let result = try await cli.runs(["start", "--agent", try SimAgents.id("flaky"), "--follow", "--json"])
        #expect(result.status == 0, "\(result)")
        let lines = try result.jsonLines
        let final = try #require(lines.last)
        #expect(final["final"] == true)
        #expect(final["status"]?.stringValue == "completed")
        let runID = try #require(final["run_id"]?.stringValue)
        let messages = lines.dropLast()
        #expect(messages.compactMap { $0["index"]?.intValue } == Array(0..<messages.count))
        #expect(messages.allSatisfy { $0["run_id"]?.stringValue == runID && $0["content"] != nil })
        let listed = try await cli.runs(["messages", runID, "--json"]).json["messages"]?.arrayValue ?? []
        #expect(messages.map { $0["id"] } == listed.map { $0["id"] }, "exactly the messages the run has")
    }

    @Test("--simulate needs no key and no server: the run is followed to its end and the command ends")
    func simulated() async throws {
        let cli = CLIHarness()
        let result = try await cli.runs(["start", "--agent", try SimAgents.id("echo"), "--message", "hi", "--follow",
                                         "--json", "--simulate", "--sim-speed", "50", "--poll-scale", "0.1"])
        await cli.stopSharedSimulator()
        #expect(result.status == 0, "\(result)")
        #expect(try result.jsonLines.last?["status"]?.stringValue == "completed")
        #expect(try result.jsonLines.contains { $0["content"]?.stringValue == "Echo: hi" })
    }

    @Test("messages --follow --offset N starts at message N of a run that already ended")
    func followFromOffset() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("echo", message: "ping", waitUntil: "terminal")
        let lines = try await cli.runs(["messages", runID, "--follow", "--offset", "2", "--json"]).jsonLines
        #expect(lines.dropLast().compactMap { $0["index"]?.intValue } == [2, 3])
        #expect(lines.last?["status"]?.stringValue == "completed")
    }

    @Test("the transcript shows roles, tool calls with → and results with ← ok / ← error, and the outcome")
    func transcript() async throws {
        let cli = try await CLIHarness.simulated()
        let result = try await cli.runs(["start", "--agent", try SimAgents.id("flaky"), "--follow"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("assistant  Fetching today's orders."))
        #expect(result.stdout.contains(#"→ fetch_orders({"date":"today"})"#))
        #expect(result.stdout.contains("← error: fetch_orders failed"))
        #expect(result.stdout.contains(#"← ok {"orders":42}"#))
        #expect(result.stdout.hasSuffix("completed.\n"))
    }

    @Test("following a run that needs a human shows the request and the command that answers it")
    func followHumanRequest() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("questions")
        let follow = cli.background(["runs", "messages", runID, "--follow"])
        try await follow.waitForOutput("--answer City=Lisbon")
        let answer = try await cli.runs(["respond", runID, "--answer", "City=Lisbon", "--answer", "Days=Monday"])
        #expect(answer.status == 0, "\(answer)")
        let result = await follow.finish()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("needs a human: Offsite details"), "\(result)")
        #expect(result.stdout.contains("[0] City: Which city should the offsite be in?"), "\(result)")
        #expect(result.stdout.contains("duvo runs respond \(runID) --answer City=Lisbon"), "\(result)")
        #expect(result.stdout.hasSuffix("completed.\n"), "\(result)")
    }

    @Test("watch prints one line per status change per run and ends when all have ended")
    func watch() async throws {
        let cli = try await CLIHarness.simulated()
        let echo = try await cli.start("echo"), failing = try await cli.start("failing")
        let plain = try await cli.runs(["watch", echo, failing])
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.stdout.split(separator: "\n").contains { $0.contains(echo) && $0.hasSuffix("completed") })
        #expect(plain.stdout.split(separator: "\n").contains { $0.contains(failing) && $0.hasSuffix("failed") })
        let json = try await cli.runs(["watch", echo, failing, "--json", "--exit-status"])
        #expect(json.status == 10, "the worst outcome, failed, with --exit-status")
        let lines = try json.jsonLines
        #expect(Set(lines.compactMap { $0["run_id"]?.stringValue }) == [echo, failing])
        for runID in [echo, failing] {
            let statuses = lines.filter { $0["run_id"]?.stringValue == runID }.compactMap { $0["status"]?.stringValue }
            #expect(statuses.count == Set(statuses).count, "one line per change, not per poll: \(statuses)")
        }
    }

    @Test("watch of a run Duvo does not know says so and exits 1 once the others end")
    func watchUnknown() async throws {
        let cli = try await CLIHarness.simulated()
        let echo = try await cli.start("echo")
        let result = try await cli.runs(["watch", echo, CLIExitCodeTests.unknownRun])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(CLIExitCodeTests.unknownRun))
        #expect(result.stdout.contains(echo))
    }
}
