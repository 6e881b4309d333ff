import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
        // 4 s, not less: the command that starts the simulator must reach it before it idles out, and on a loaded
        // two-core machine starting a process and its first request took over a second.
        let cli = CLIHarness(environment: ["DUVO_SIM_IDLE_TIMEOUT": "4"])
        let (_, shared) = try await startShared(cli)
        #expect(try shared.readState() != nil)
        // The simulator holds sim.alive for as long as it runs: taking it is the event of its exit.
        let alive = try FileLock(path: shared.aliveLockPath)
        #expect(alive.lock(waitingUpTo: 60), "the simulator did not stop after 4 s without a request")
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

    @Test("the shared simulator takes its user's random key and refuses the public one; no output shows the key")
    func privateKey() async throws {
        let cli = CLIHarness(environment: ["DUVO_LOG_LEVEL": "debug"])
        let (listed, shared) = try await startShared(cli)
        let state = try #require(try shared.readState())
        #expect(state.apiKey.hasPrefix("dv_sim_") && state.apiKey.count == 71 && state.apiKey != "dv_sim_local_key")
        #expect(try await status(of: state.url, key: "dv_sim_local_key") == 401, "the documented key is refused")
        #expect(try await status(of: state.url, key: state.apiKey) == 200)
        let status = try await cli.run(["sim", "status"])
        let json = try await cli.run(["sim", "status", "--json"])
        #expect(status.stdout.contains(shared.statePath) && json.status == 0, "\(status)\n\(json)")
        for output in [listed, status, json] {
            #expect(!(output.stdout + output.stderr).contains(state.apiKey), "the key was shown: \(output)")
        }
        let log = String(decoding: FileManager.default.contents(atPath: shared.logPath) ?? Data(), as: UTF8.self)
        #expect(!log.contains(state.apiKey) && log.contains("listening on"), "\(log)")
        await cli.stopSharedSimulator()
    }

    @Test("'duvo sim stop' leaves alone a process that sim.json names but is not the simulator, and says so")
    func stopChecksThePid() async throws {
        let cli = CLIHarness()
        let shared = try SharedSimulator(environment: cli.merged([:]))
        let bystander = Process()
        bystander.executableURL = URL(fileURLWithPath: "/bin/sleep")
        bystander.arguments = ["1000"]
        // Not this process's pipes (the test runner reads them to their end), and SIGKILL: it may inherit a mask
        // that blocks SIGTERM.
        bystander.standardOutput = FileHandle.nullDevice
        bystander.standardError = FileHandle.nullDevice
        try bystander.run()
        defer {
            kill(bystander.processIdentifier, SIGKILL)
            bystander.waitUntilExit()
        }
        // sim.alive held (here by the test) and a state naming the bystander: what a planted sim.json looks like.
        let alive = try FileLock(path: shared.aliveLockPath)
        #expect(alive.tryLock())
        defer { alive.unlock() }
        try shared.write(SharedSimulatorState(
            url: "http://127.0.0.1:9", apiKey: "dv_sim_planted", team: "local-team", pid: bystander.processIdentifier,
            speed: 1, idleTimeoutSeconds: 900, startedAt: 0, version: "0"))
        let stopped = try await cli.run(["sim", "stop"])
        #expect(stopped.status == 0, "\(stopped)")
        #expect(stopped.stdout.contains("pid \(bystander.processIdentifier) is not a shared simulator"), "\(stopped)")
        #expect(kill(bystander.processIdentifier, 0) == 0 && bystander.isRunning, "the bystander was signalled")
        #expect(try shared.readState() == nil, "the stale state was removed")
    }

    @Test("a sim.json whose speed is out of range (1e19) is reported as unreadable, not a crash of 'duvo sim status'")
    func absurdState() async throws {
        let cli = CLIHarness()
        let shared = try SharedSimulator(environment: cli.merged([:]))
        // sim.alive held (here by the test), so that status reads the state.
        let alive = try FileLock(path: shared.aliveLockPath)
        #expect(alive.tryLock())
        defer { alive.unlock() }
        try shared.write(SharedSimulatorState(
            url: "http://127.0.0.1:9", apiKey: "dv_sim_planted", team: "local-team", pid: 1,
            speed: 1e19, idleTimeoutSeconds: 900, startedAt: 0, version: "0"))
        defer { try? FileManager.default.removeItem(atPath: shared.statePath) }
        let status = try await cli.run(["sim", "status"])
        #expect(status.status != 0, "\(status)")
        #expect((status.stdout + status.stderr).contains("out of range"), "\(status)")
    }

    @Test("a follow under --simulate ends with exit 4 soon after the shared simulator is killed")
    func followEndsWhenSimulatorIsGone() async throws {
        let cli = CLIHarness()
        let follow = cli.background(["runs", "start", "--agent", "slow", "--follow", "--simulate"])
        try await follow.waitForOutput("Started run")
        let shared = try SharedSimulator(environment: cli.merged([:]))
        let state = try #require(try shared.readState())
        #expect(kill(state.pid, SIGKILL) == 0)
        let ended = await follow.finish(timeout: 60)
        #expect(ended.status == 4, "\(ended)")
        #expect(ended.stderr.contains("the shared simulator (pid \(state.pid)) has stopped"), "\(ended)")
    }

    @Test("a watch under --simulate ends with exit 4 soon after the shared simulator is killed")
    func watchEndsWhenSimulatorIsGone() async throws {
        let cli = CLIHarness()
        let started = try await cli.runs(["start", "--agent", "slow", "--json", "--simulate"])
        let runID = try #require(try started.json["run"]?["id"]?.stringValue, "\(started)")
        let watch = cli.background(["runs", "watch", runID, "--simulate"])
        try await watch.waitForOutput(runID)
        let state = try #require(try SharedSimulator(environment: cli.merged([:])).readState())
        #expect(kill(state.pid, SIGKILL) == 0)
        let ended = await watch.finish(timeout: 60)
        #expect(ended.status == 4, "\(ended)")
        #expect(ended.stderr.contains("run \(runID): the shared simulator (pid \(state.pid)) has stopped"), "\(ended)")
    }

    /// Starts `cli`'s shared simulator with a `duvo runs list --simulate`; returns what that printed and the simulator.
    private func startShared(_ cli: CLIHarness) async throws -> (CLIResult, SharedSimulator) {
        let listed = try await cli.runs(["list", "--simulate"])
        #expect(listed.status == 0, "\(listed)")
        return (listed, try SharedSimulator(environment: cli.merged([:])))
    }

    /// The HTTP status the simulator at `url` answers a team listing with `key`.
    private func status(of url: String, key: String) async throws -> Int {
        var request = URLRequest(url: try #require(URL(string: url + "/v2/teams/local-team/runs")))
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        return try #require(response as? HTTPURLResponse).statusCode
    }
}
