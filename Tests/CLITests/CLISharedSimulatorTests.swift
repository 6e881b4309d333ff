import Foundation
import JSONCore
import Testing
import TestSupport
@testable import DuvoCLI

@Suite("duvo runs --simulate: one shared background simulator per user")
struct CLISharedSimulatorTests {
    @Test("a run started with --simulate is there for the next --simulate command; status says where; stop stops it")
    func startThenGet() async throws {
        let cli = CLIHarness()
        let started = try await cli.runs(["start", "--agent", "echo", "--message", "hi", "--json", "--simulate",
                                          "--sim-speed", "50"])
        #expect(started.status == 0, "\(started)")
        let runID = try #require(try started.json["run"]?["id"]?.stringValue)
        let waited = try await cli.runs(["wait", runID, "--simulate"])
        #expect(waited.status == 0, "\(waited)")
        let got = try await cli.runs(["get", runID, "--json", "--simulate"])
        #expect(try got.json["run"]?["status"]?.stringValue == "completed", "\(got)")

        let status = try await cli.run(["sim", "status", "--json"])
        #expect(status.status == 0, "\(status)")
        let state = try status.json
        #expect(state["running"] == true)
        #expect(state["url"]?.stringValue?.hasPrefix("http://127.0.0.1:") == true)
        #expect(state["state_file"]?.stringValue?.hasPrefix(cli.environment["DUVO_RUNTIME_DIR"] ?? "?") == true)
        #expect(state["idle_timeout_seconds"]?.intValue == 120, "DUVO_SIM_IDLE_TIMEOUT is honoured")

        let stopped = try await cli.run(["sim", "stop"])
        #expect(stopped.stdout.contains("Stopped the shared simulator"), "\(stopped)")
        let none = try await cli.run(["sim", "status"])
        #expect(none.status == 1)
        #expect(none.stdout.contains("No shared simulator is running"))
        let gone = try await cli.runs(["get", runID, "--simulate"])
        #expect(gone.status == 1, "a new simulator does not know the old run: \(gone)")
        await cli.stopSharedSimulator()
    }

    @Test("separate duvo processes share it: the starter exits, the next process reads the run")
    func acrossProcesses() async throws {
        let cli = CLIHarness(environment: ["DUVO_SIM_SPEED": "50"])
        let started = try await cli.runProcess(["runs", "start", "--agent", "approval", "--json", "--simulate"])
        #expect(started.status == 0, "\(started)")
        let runID = try #require(try started.json["run"]?["id"]?.stringValue)
        let waited = try await cli.runProcess(["runs", "wait", runID, "--until", "attention", "--simulate"])
        #expect(waited.stdout.contains("duvo runs respond \(runID) --approve"), "\(waited)")
        let answered = try await cli.runProcess(["runs", "respond", runID, "--approve", "--simulate"])
        #expect(answered.status == 0, "\(answered)")
        let status = try await cli.runProcess(["sim", "status"])
        #expect(status.stdout.contains("Shared simulator running at http://127.0.0.1:"), "\(status)")
        let stopped = try await cli.runProcess(["sim", "stop"])
        #expect(stopped.status == 0, "\(stopped)")
        #expect(try await cli.runProcess(["sim", "status"]).status == 1)
    }

    @Test("an idle shared simulator stops by itself and removes its state file")
    func idleStop() async throws {
        let cli = CLIHarness(environment: ["DUVO_SIM_IDLE_TIMEOUT": "1"])
        let listed = try await cli.runs(["list", "--simulate"])
        #expect(listed.status == 0, "\(listed)")
        let shared = try SharedSimulator(environment: cli.merged([:]))
        #expect(try shared.readState() != nil)
        // The simulator holds sim.alive for as long as it runs: taking it is the event of its exit.
        let alive = try FileLock(path: shared.aliveLockPath)
        #expect(alive.lock(waitingUpTo: 60), "the simulator did not stop after 1 s without a request")
        alive.unlock()
        #expect(try shared.readState() == nil)
    }

    @Test("--agent takes a built-in agent's name under --simulate; a wrong name lists the names")
    func agentNames() async throws {
        let cli = CLIHarness()
        let wrong = try await cli.runs(["start", "--agent", "aproval", "--simulate"])
        #expect(wrong.status == 2, "\(wrong)")
        #expect(wrong.stderr.contains("no built-in agent named 'aproval'"))
        #expect(wrong.stderr.contains("echo, approval, questions"))
        let named = try await cli.runs(["start", "--agent", "Approval", "--json", "--simulate"])
        #expect(named.status == 0, "\(named)")
        #expect(try named.json["run"]?["agent_id"]?.stringValue == (try SimAgents.id("approval")))
        await cli.stopSharedSimulator()
    }
}
