import DuvoSimulator
import Foundation
import JSONCore
import TestSupport
import Testing

/// The operations guide's four shell examples (vendored in Tests/Fixtures/upstream), run verbatim (bash, curl, jq)
/// against the real `duvo sim` binary.
@Suite("The operations guide's shell examples against duvo sim", .serialized)
struct SeedScriptTests {
    static let scripts = ["poll-until-finished.sh", "count-by-status.sh", "page-since.sh", "duration-summary.sh"]
    static let folder = PackagePaths.root.appendingPathComponent("Tests/shell/seed004")

    /// Runs `script` through run.sh; returns the exit status and stdout.
    private func run(_ script: String, _ sim: SimulatorProcess, extra: [String: String] = [:]) throws -> (Int32, String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.folder.appendingPathComponent("run.sh").path, script]
        var environment = ProcessInfo.processInfo.environment
        environment["SIM_BASE_URL"] = sim.baseURL
        environment["SIM_API_KEY"] = DefaultCredentials.apiKey
        environment["SIM_TEAM_ID"] = DefaultCredentials.team
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = try ChildPipe(.fromChild)
        process.standardOutput = out.childEnd
        let reader = PipeReader(out.parentEnd)
        try ChildProcesses.run(process)
        out.closeChildEnd()
        reader.waitForEnd(timeout: 120)
        process.waitUntilExit()
        return (process.terminationStatus, reader.text)
    }

    private func start(_ sim: SimulatorProcess, _ agent: String, count: Int = 1) async throws -> [String] {
        let client = HTTPTestClient.bearer(DefaultCredentials.apiKey)
        var ids: [String] = []
        for _ in 0..<count {
            let response = try await client.send("POST", sim.baseURL + "/v1/runs", body: ["agent_id": .string(agent)])
            ids.append(try #require(response.json["run"]?["id"]?.stringValue))
        }
        return ids
    }

    private func waitAllEnded(_ sim: SimulatorProcess) async throws {
        let client = HTTPTestClient.bearer(DefaultCredentials.apiKey)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let active = try await client.send(
                "GET", sim.baseURL + "/v2/teams/local-team/runs?status=pending,starting,running,waiting")
            if active.json["total"] == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("runs did not finish")
    }

    @Test("the committed copies are verbatim extracts of the operations guide")
    func copiesMatchSeed() throws {
        let seed = try String(contentsOf: try PackagePaths.upstream("operations-guide-v2.txt"), encoding: .utf8)
        for name in Self.scripts {
            let copy = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
            #expect(seed.contains(copy.trimmingCharacters(in: .newlines)), "\(name) differs from the operations guide")
        }
    }

    @Test("poll loop, count by status, paging with since and the duration summary all work verbatim")
    func scriptsRun() async throws {
        let sim = try SimulatorProcess(speed: 500, extraArguments: ["--rate-limit", "0"])
        defer { sim.stop() }
        let echo = try #require(BuiltInAgents.id(named: "echo"))
        let failing = try #require(BuiltInAgents.id(named: "failing"))

        let polled = try await start(sim, echo)[0]
        let (pollStatus, pollOutput) = try run("poll-until-finished.sh", sim, extra: ["SIM_RUN_ID": polled])
        #expect(pollStatus == 0)
        #expect(pollOutput.contains("Job finished: completed"), "\(pollOutput)")

        _ = try await start(sim, echo, count: 3)
        _ = try await start(sim, failing, count: 2)
        _ = try await start(sim, try #require(BuiltInAgents.id(named: "slow")), count: 115)
        try await waitAllEnded(sim)

        let (countStatus, countOutput) = try run("count-by-status.sh", sim, extra: ["SIM_AGENT_ID": echo])
        #expect(countStatus == 0)
        #expect(try JSONParser().parse(countOutput) == [["status": "completed", "count": 4]])

        let (pageStatus, pageOutput) = try run("page-since.sh", sim)
        #expect(pageStatus == 0)
        #expect(pageOutput.components(separatedBy: "\"run_id\":").count - 1 == 121)

        let (durationStatus, durationOutput) = try run("duration-summary.sh", sim, extra: ["SIM_AGENT_ID": echo])
        #expect(durationStatus == 0)
        let summary = try JSONParser().parse(durationOutput)
        #expect(summary["count"] == 4)
        #expect((summary["min_seconds"]?.intValue ?? 0) >= 1, "\(durationOutput)")
        #expect((summary["max_seconds"]?.intValue ?? 0) < 60, "\(durationOutput)")
    }
}

/// The `duvo sim` binary itself: its one stdout line, signals, `agents`, usage errors and secrets.
@Suite("duvo sim binary")
struct SimBinaryTests {
    @Test("prints exactly its base URL on stdout, logs the default key on stderr, and exits 0 on SIGTERM")
    func startupAndSignal() async throws {
        let sim = try SimulatorProcess()
        #expect(sim.baseURL.hasPrefix("http://127.0.0.1:"))
        let response = try await HTTPTestClient.bearer(DefaultCredentials.apiKey).send(
            "GET", sim.baseURL + "/v2/teams/local-team/runs")
        #expect(response.status == 200)
        #expect(sim.stop() == 0)
        #expect(sim.stdoutText == sim.baseURL + "\n")
        sim.stderr.waitForEnd()
        #expect(sim.stderr.text.contains(DefaultCredentials.apiKey))
        #expect(sim.stderr.text.contains(DefaultCredentials.team))
    }

    @Test("a user-supplied API key works but never appears in the output")
    func secretKey() async throws {
        let key = "dv_secret_ABC123"
        let sim = try SimulatorProcess(extraArguments: ["--api-key", key, "--team", "acme", "--log-level", "debug"])
        let response = try await HTTPTestClient.bearer(key).send("GET", sim.baseURL + "/v2/teams/acme/runs")
        #expect(response.status == 200)
        #expect(
            try await HTTPTestClient.bearer(DefaultCredentials.apiKey).send("GET", sim.baseURL + "/v2/teams/acme/runs")
                .status == 401)
        #expect(sim.stop() == 0)
        sim.stderr.waitForEnd()
        #expect(!sim.stderr.text.contains(key))
        #expect(!sim.stdoutText.contains(key))
    }

    @Test("agents --json lists the eight built-ins as [{id, name, description}]")
    func agentsJSON() throws {
        let (status, stdout, _) = try DuvoBinary.run(["sim", "agents", "--json"])
        #expect(status == 0)
        let list = try #require(try JSONParser().parse(stdout).arrayValue)
        #expect(list.compactMap { $0["name"]?.stringValue } == BuiltInAgents.all.map(\.name))
        #expect(list.allSatisfy { Set($0.objectValue?.keys.map { $0 } ?? []) == ["id", "name", "description"] })
        let (withFile, fileOutput, _) = try DuvoBinary.run([
            "sim", "agents", "--json", "--agents",
            PackagePaths.root.appendingPathComponent("schema/sim-agents.example.json").path,
        ])
        #expect(withFile == 0)
        #expect(try JSONParser().parse(fileOutput).arrayValue?.count == 12)
    }

    @Test("usage mistakes exit 2 with a hint, and a broken --agents file exits 1 naming the problem")
    func usageErrors() throws {
        let typo = try DuvoBinary.run(["sim", "--prot", "0"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("--port"))
        #expect(typo.stdout.isEmpty)
        let faults = try DuvoBinary.run(["sim", "--faults", "5xx=lots"])
        #expect(faults.status == 2)
        #expect(faults.stderr.contains("5xx=lots"))
        let missing = try DuvoBinary.run(["sim", "--agents", "/nonexistent/agents.json", "--port", "0"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/agents.json"))
        #expect(missing.stdout.isEmpty)
    }

    @Test("a port already in use is reported on stderr with exit 1")
    func portInUse() throws {
        let first = try SimulatorProcess()
        defer { first.stop() }
        let port = String(first.baseURL.split(separator: ":").last ?? "")
        let second = try DuvoBinary.run(["sim", "--port", port])
        #expect(second.status == 1)
        #expect(second.stderr.contains("cannot listen"))
        #expect(second.stdout.isEmpty)
    }
}
