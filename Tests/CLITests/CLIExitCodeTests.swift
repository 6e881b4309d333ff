import Foundation
import Testing
import TestSupport

@Suite("duvo runs: exit codes")
struct CLIExitCodeTests {
    static let unknownRun = "550e8400-e29b-41d4-a716-446655440000"

    @Test("no API key is exit 3 with advice on how to set one")
    func noKey() async throws {
        let cli = try await CLIHarness.simulated(environment: ["DUVO_API_KEY": ""])
        let result = try await cli.runs(["get", Self.unknownRun])
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.contains("DUVO_API_KEY"))
    }

    @Test("a key Duvo rejects is exit 3, and the key appears nowhere in the output")
    func rejectedKey() async throws {
        let key = "dv_rejected_5f0c2b7e9d"
        let cli = try await CLIHarness.simulated(environment: ["DUVO_API_KEY": key, "DUVO_LOG_LEVEL": "trace"])
        // The built binary, so that its trace logs (written straight to fd 2) are read too.
        let result = try await cli.runProcess(["runs", "get", Self.unknownRun])
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("401"))
        #expect(!result.stdout.contains(key) && !result.stderr.contains(key))
    }

    @Test("v2 start needs no team; list without a team and list on v1 are exit 3 saying what to set")
    func configuration() async throws {
        let cli = try await CLIHarness.simulated()
        let started = try await cli.runs(["start", "--agent", try SimAgents.id("echo")],
                                         environment: ["DUVO_TEAM_ID": ""])
        #expect(started.status == 0, "\(started)")
        let noTeam = try await cli.runs(["list"], environment: ["DUVO_TEAM_ID": ""])
        #expect(noTeam.status == 3, "\(noTeam)")
        #expect(noTeam.stderr.contains("DUVO_TEAM_ID"))
        let v1 = try await cli.runs(["list", "--api-version", "v1"])
        #expect(v1.status == 3, "\(v1)")
        #expect(v1.stderr.contains("v2"))
    }

    @Test("a run Duvo does not know is exit 1 with Duvo's reason")
    func unknownRun() async throws {
        let result = try await CLIHarness.simulated().runs(["get", Self.unknownRun])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("404"))
        #expect(result.stdout.isEmpty)
    }

    @Test("no Duvo at the base URL is exit 4 naming DUVO_BASE_URL")
    func unreachable() async throws {
        let cli = CLIHarness(environment: ["DUVO_BASE_URL": "http://127.0.0.1:9", "DUVO_API_KEY": "dv_sim_local_key"])
        let result = try await cli.runs(["get", Self.unknownRun])
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("DUVO_BASE_URL"))
    }

    @Test("wait --timeout on a run that keeps going is exit 5")
    func timeout() async throws {
        let cli = try await CLIHarness.simulated()
        // A run waiting for a person goes on however slowly the machine starts the command (a slow run at the
        // simulator's 50x ended first on a loaded machine).
        let runID = try await cli.start("approval")
        let result = try await cli.runs(["wait", runID, "--timeout", "0.3"])
        #expect(result.status == 5, "\(result)")
        #expect(result.stderr.contains("--timeout"))
        _ = try await cli.runs(["stop", runID])
    }

    @Test("wait --exit-status reports failed 10, stopped 11, interrupted 12; without it, 0")
    func runOutcomes() async throws {
        let cli = try await CLIHarness.simulated()
        let failing = try await cli.start("failing")
        #expect(try await cli.runs(["wait", failing, "--exit-status"]).status == 10)
        #expect(try await cli.runs(["wait", failing]).status == 0)
        let slow = try await cli.start("slow")
        #expect(try await cli.runs(["stop", slow]).status == 0)
        #expect(try await cli.runs(["wait", slow, "--exit-status"]).status == 11)
        let interrupted = try await cli.start("interrupted")
        #expect(try await cli.runs(["wait", interrupted, "--exit-status"]).status == 12)
        let echo = try await cli.start("echo")
        #expect(try await cli.runs(["wait", echo, "--exit-status"]).status == 0)
    }

    @Test("wait --until attention --exit-status is 13 when the run waits for a human, and shows how to answer")
    func attention() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("approval")
        let result = try await cli.runs(["wait", runID, "--until", "attention", "--exit-status"])
        #expect(result.status == 13, "\(result)")
        #expect(result.stdout.contains("duvo runs respond \(runID) --approve"))
    }

    @Test("respond to a run that waits for no one is exit 1 saying so")
    func nothingPending() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("echo", waitUntil: "terminal")
        let result = try await cli.runs(["respond", runID, "--approve"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("no pending human request"))
    }

    @Test("messages --follow --exit-status and start --follow --exit-status end with the run's code")
    func followExitStatus() async throws {
        let cli = try await CLIHarness.simulated()
        let started = try await cli.runs(["start", "--agent", try SimAgents.id("failing"), "--follow", "--exit-status"])
        #expect(started.status == 10, "\(started)")
        let runID = try await cli.start("interrupted")
        #expect(try await cli.runs(["messages", runID, "--follow", "--exit-status"]).status == 12)
    }
}
