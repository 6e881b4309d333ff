import ArgumentKit
import Diagnostics
import DuvoAPI
import RunWatching
import Synchronization

/// What a `duvo runs` subcommand runs with: its parsed command line, the console, and the connection to Duvo,
/// which is resolved on first use (so a usage error never starts the simulator).
final class Invocation: Sendable {
    /// The parsed command line.
    let parsed: ParsedCommand
    /// The environment, streams and executable the command runs with.
    let context: CommandContext
    /// Where output goes.
    let console: Console
    /// Where diagnostics go (stderr), with the key redacted.
    let logger: Logger
    /// `--timeout` when it is the deadline of each call (checked); nil leaves it to `DUVO_TIMEOUT`.
    let callTimeout: String?
    private let connection = Mutex<(endpoint: Task<ConnectionOptions.Endpoint, any Error>?, scheduler: PollScheduler?)>(
        (nil, nil))

    /// An invocation of `parsed`; `callTimeout` is its checked `--timeout` when that is a call's deadline.
    init(parsed: ParsedCommand, context: CommandContext, console: Console, logger: Logger, callTimeout: String?) {
        self.parsed = parsed
        self.context = context
        self.console = console
        self.logger = logger
        self.callTimeout = callTimeout
    }

    /// The process environment.
    var environment: [String: String] { context.environment }

    /// Whether `--json` was given.
    var json: Bool { console.mode.json }

    /// The client core, configured from the connection options (for `--simulate`, the shared simulator's,
    /// started first when none runs).
    /// - Throws: ``UsageError`` for malformed connection options, ``DuvoAPIError`` for configuration problems.
    func client() async throws -> DuvoClient {
        try await endpoint().client
    }

    /// The run operations (the same the JSON-RPC methods and MCP tools call), on ``client()``; their scheduler is
    /// ``scheduler()``'s, made only when a command follows or waits.
    func operations() async throws -> RunOperations {
        let endpoint = try await endpoint()
        return RunOperations(client: endpoint.client, webhook: endpoint.webhooks?.url) { [self] in
            self.scheduler(on: endpoint)
        }
    }

    /// Runs operations, their failure in the command line's form: a parameter that does not fit is a usage error
    /// naming the argument (exit 2), Duvo's failure is reported as Duvo's, an answer that does not fit the pending
    /// request is refused (exit 1).
    func run<T: Sendable>(_ body: (RunOperations) async throws(RunOperationError) -> T) async throws -> T {
        let operations = try await operations()
        do {
            return try await body(operations)
        } catch {
            throw cliFailure(error)
        }
    }

    /// `failure` as the command line reports it.
    func cliFailure(_ failure: RunOperationError) -> any Error {
        switch failure {
        case .invalidParameter(let message, let field):
            let named = field.flatMap { Self.argumentNames[$0] }.map { message.replacing("'\(field ?? "")'", with: $0) }
            return UsageError(named ?? message, commandPath: parsed.commandPath)
        case .duvo(let error):
            return error
        case .doesNotFit(let mismatch, _):
            return CLIFailure(mismatch.message, exitCode: .refused)
        case .tooManyFollows(let limit):
            return CLIFailure(RunOperationError.tooManyFollowsMessage(limit: limit), exitCode: .refused)
        }
    }

    /// The command line's names of the operations' parameters.
    private static let argumentNames = ["run_id": "RUN", "agent_id": "--agent", "request_id": "--request",
                                        "message": "--message", "limit": "--limit", "offset": "--offset",
                                        "timeout_s": "--timeout"]

    /// The process's poll scheduler, shared by every follow, wait and watch of this command.
    func scheduler() async throws -> PollScheduler {
        scheduler(on: try await endpoint())
    }

    private func scheduler(on endpoint: ConnectionOptions.Endpoint) -> PollScheduler {
        connection.withLock { state in
            if let scheduler = state.scheduler { return scheduler }
            // The commands report a follow that ends in an error themselves; at the default level the scheduler's
            // own warning would say the same thing twice.
            let quiet = logger.level > .warning ? logger : logger.at(.error)
            let scheduler = PollScheduler(client: endpoint.client, coordination: endpoint.coordination,
                                          tuning: endpoint.pollTuning, logger: quiet,
                                          events: endpoint.webhooks?.events)
            state.scheduler = scheduler
            return scheduler
        }
    }

    /// A watch that calls `onStop` once the shared simulator this command uses has stopped (nil when the command
    /// does not use one): its runs are gone with it, so a follow must not wait for them.
    func watchSharedSimulator(onStop: @escaping @Sendable () async -> Void) async throws -> SharedSimulatorWatch? {
        guard let pid = try await endpoint().sharedSimulatorPID else { return nil }
        return SharedSimulatorWatch(environment: environment, pid: pid, onStop: onStop)
    }

    /// Stops polling and the embedded webhook receiver, if they were started (the shared simulator keeps running
    /// for the next command).
    func shutdown() async {
        let (scheduler, endpoint) = connection.withLock { ($0.scheduler, $0.endpoint) }
        await scheduler?.shutdown()
        if let endpoint, case .success(let resolved) = await endpoint.result { await resolved.receiver?.stop() }
    }

    private func endpoint() async throws -> ConnectionOptions.Endpoint {
        // One resolution per invocation, however many tasks ask at once.
        let task = connection.withLock { state in
            if let task = state.endpoint { return task }
            let task = Task { [parsed, context, logger, callTimeout] in
                try await ConnectionOptions.resolve(parsed, sharedSimulatorFor: context, timeout: callTimeout,
                                                    logger: logger)
            }
            state.endpoint = task
            return task
        }
        return try await task.value
    }

    // MARK: - Renderers in this console's colours

    /// Lays out messages.
    var transcript: TranscriptRenderer { TranscriptRenderer(palette: console.palette) }
    /// Lays out runs.
    var runs: RunRenderer { RunRenderer(palette: console.palette) }
    /// Lays out pending human requests.
    var humanRequests: HumanRequestRenderer { HumanRequestRenderer(palette: console.palette) }
}
