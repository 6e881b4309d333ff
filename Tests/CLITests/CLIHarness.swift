import ArgumentKit
import DuvoCLI
import Foundation
import JSONCore
import TestSupport

/// What one `duvo` command did: its exit status and everything it printed.
struct CLIResult: CustomStringConvertible {
    /// The exit status.
    let status: Int32
    /// Everything on stdout.
    let stdout: String
    /// Everything on stderr.
    let stderr: String

    /// Stdout as one JSON document.
    var json: JSONValue {
        get throws { try JSONParser().parse(stdout) }
    }

    /// Stdout as JSON Lines, one document per non-empty line.
    var jsonLines: [JSONValue] {
        get throws { try stdout.split(separator: "\n").map { try JSONParser().parse(String($0)) } }
    }

    var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs `duvo` commands as a user would, against a simulator, with a clean environment: in this process through
/// ``DuvoTool`` (most tests), or as the built binary (the end-to-end ones).
///
/// The environment holds no `DUVO_*` variable of the developer's shell and no `NO_COLOR`, so each test states the
/// connection and colour settings it depends on. Each harness has a runtime directory of its own, so its
/// `--simulate` commands share a background simulator with each other and with nobody else.
struct CLIHarness {
    /// The command line as the executable builds it (with `rpc` named for help and completions).
    static let tool = DuvoTool(externalCommands: [
        Command("rpc", abstract: "Serve JSON-RPC 2.0 and MCP on stdin/stdout", options: ConnectionOptions.options)
    ])

    /// The environment every command gets (before per-call additions).
    let environment: [String: String]
    /// The simulator the commands talk to, kept alive (and stopped) with the harness.
    let simulator: SimulatorProcess?

    /// A harness on a fresh fast simulator (see ``fastSimulator(_:)``) with its default key and team.
    static func simulated(_ simulatorArguments: [String] = [], environment: [String: String] = [:]) async throws
        -> CLIHarness
    {
        CLIHarness(simulator: try await fastSimulator(simulatorArguments), environment: environment)
    }

    /// A harness pointing at `simulator` with its default key and team, polling ten times faster than normal.
    init(simulator: SimulatorProcess, environment extra: [String: String] = [:]) {
        self.simulator = simulator
        var environment = Self.baseEnvironment
        environment["DUVO_BASE_URL"] = simulator.baseURL
        environment["DUVO_API_KEY"] = "dv_sim_local_key"
        environment["DUVO_TEAM_ID"] = "local-team"
        environment.merge(extra) { _, new in new }
        self.environment = environment
    }

    /// A harness with no connection settings at all (usage errors, `--simulate`).
    init(environment extra: [String: String] = [:]) {
        simulator = nil
        environment = Self.baseEnvironment.merging(extra) { _, new in new }
    }

    private static var baseEnvironment: [String: String] {
        var environment = RPCProcess.cleanEnvironment(adding: [
            "DUVO_POLL_SCALE": "0.1",
            "DUVO_RUNTIME_DIR": FileManager.default.temporaryDirectory
                .appendingPathComponent("duvo-cli-test-\(UUID().uuidString)").path,
            // A shared simulator a failed test leaves behind goes away by itself.
            "DUVO_SIM_IDLE_TIMEOUT": "120",
        ])
        environment["NO_COLOR"] = nil
        environment["CLICOLOR_FORCE"] = nil
        return environment
    }

    /// Runs `duvo runs <arguments>` in this process to completion (interrupted after `timeout` seconds).
    func runs(_ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 60) async throws
        -> CLIResult
    {
        try await run(["runs"] + arguments, environment: extra, timeout: timeout)
    }

    /// Runs `duvo <arguments>` in this process to completion (interrupted after `timeout` seconds).
    func run(_ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 60) async throws
        -> CLIResult
    {
        await background(arguments, environment: extra).finish(timeout: timeout)
    }

    /// Starts `duvo <arguments>` in this process and returns at once, for commands that run until something else
    /// happens; `streams` may pretend to be a terminal.
    func background(_ arguments: [String], environment extra: [String: String] = [:],
                    streams: CapturedStreams = CapturedStreams()) -> InProcessCommand {
        let context = CommandContext(environment: merged(extra), streams: streams, executablePath: DuvoBinary.path)
        return InProcessCommand(streams: streams, task: Task { await Self.tool.run(arguments, context: context) })
    }

    /// Runs the built `duvo` binary with `arguments` to completion (killed after `timeout` seconds), waiting on a
    /// thread of its own.
    func runProcess(_ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 60)
        async throws -> CLIResult
    {
        let process = try spawn(arguments, environment: extra)
        return try await onDedicatedThread { process.finish(timeout: timeout) }
    }

    /// Runs another program (a wrapper such as `script`) with this harness's environment, waiting on a thread of
    /// its own.
    func run(executable: String, _ arguments: [String], environment extra: [String: String] = [:],
             timeout: Double = 60) async throws -> CLIResult {
        let process = try CLIProcess(arguments, environment: merged(extra), executable: executable)
        return try await onDedicatedThread { process.finish(timeout: timeout) }
    }

    /// Starts the built `duvo` binary with `arguments` and returns at once.
    func spawn(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CLIProcess {
        try CLIProcess(arguments, environment: merged(extra))
    }

    func merged(_ extra: [String: String]) -> [String: String] {
        environment.merging(extra) { _, new in new }.filter { !$0.value.isEmpty }
    }

    /// Starts a run of the built-in agent `agent` and returns its id; with `waitUntil` (`terminal` or `attention`),
    /// returns once the run got there.
    func start(_ agent: String, message: String? = nil, waitUntil: String? = nil) async throws -> String {
        var arguments = ["start", "--agent", try SimAgents.id(agent), "--json"]
        if let message { arguments += ["--message", message] }
        let result = try await runs(arguments)
        guard result.status == 0, let id = try result.json["run"]?["id"]?.stringValue else {
            throw HarnessError("could not start a run of \(agent): \(result)")
        }
        if let waitUntil {
            let waited = try await runs(["wait", id, "--until", waitUntil])
            guard waited.status == 0 else { throw HarnessError("run \(id) of \(agent) did not get there: \(waited)") }
        }
        return id
    }

    /// Stops this harness's shared simulator, if its `--simulate` commands started one.
    func stopSharedSimulator() async {
        _ = await background(["sim", "stop"]).finish()
    }
}

/// A command running in this process, its output captured as it comes.
struct InProcessCommand: Sendable {
    /// What it writes, and what it is typed.
    let streams: CapturedStreams
    let task: Task<ExitCode, Never>

    /// Returns once stdout contains `text`; throws after `timeout` seconds without it.
    func waitForOutput(_ text: String, timeout: Double = 30) async throws {
        try await streams.waitForOutput(text, timeout: timeout)
    }

    /// Waits for the command to end and returns what it did; one still running after `timeout` seconds is
    /// interrupted, as Ctrl-C would (so a broken test fails with exit 130 and the output so far, never hangs).
    func finish(timeout: Double = 60) async -> CLIResult {
        let task = task
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            task.cancel()
        }
        let code = await task.value
        watchdog.cancel()
        return CLIResult(status: code.rawValue, stdout: streams.stdout, stderr: streams.stderr)
    }
}

/// A `duvo` process under way, its stdout and stderr read as they come.
final class CLIProcess: Sendable {
    private let process: Locked<Process>
    private let stdout: PipeReader
    private let stderr: PipeReader

    /// Spawns `executable` (`duvo` by default) with `arguments` and exactly `environment`.
    init(_ arguments: [String], environment: [String: String], executable: String = DuvoBinary.path) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        (stdout, stderr) = try ChildProcesses.runCapturing(process)
        self.process = Locked(process)
    }

    /// Waits for the process to exit (terminating it after `timeout` seconds) and returns what it did.
    func finish(timeout: Double = 60) -> CLIResult {
        if !stdout.waitForEnd(timeout: timeout) { process.withLock { $0.terminate() } }
        let status = process.withLock { process in
            process.waitUntilExit()
            return process.terminationStatus
        }
        stderr.waitForEnd(timeout: 5)
        return CLIResult(status: status, stdout: stdout.text, stderr: stderr.text)
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        process.withLock { process in _ = kill(process.processIdentifier, signal) }
    }
}

/// A step of a test's set-up that did not work, with what the process said.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Starts a fast `duvo sim` (simulated clock at 50x) for one test; stopped when the test's reference goes away.
/// The wait for its address line happens on a thread of its own.
func fastSimulator(_ extra: [String] = []) async throws -> SimulatorProcess {
    try await onDedicatedThread { try SimulatorProcess(speed: 50, extraArguments: ["--log-level", "error"] + extra) }
}
