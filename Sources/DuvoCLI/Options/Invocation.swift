import ArgumentKit
import Diagnostics
import DuvoAPI
import Synchronization

/// What a `duvo runs` subcommand runs with: its parsed command line, the console, and the connection to Duvo,
/// which is resolved on first use (so a usage error never starts the simulator).
final class Invocation: Sendable {
    /// The parsed command line.
    let parsed: ParsedCommand
    /// The process environment.
    let environment: [String: String]
    /// Where output goes.
    let console: Console
    /// Where diagnostics go (stderr), with the key redacted.
    let logger: Logger
    private let connection = Mutex<(endpoint: ConnectionOptions.Endpoint?, scheduler: PollScheduler?)>((nil, nil))

    /// An invocation of `parsed`.
    init(parsed: ParsedCommand, environment: [String: String], console: Console, logger: Logger) {
        self.parsed = parsed
        self.environment = environment
        self.console = console
        self.logger = logger
    }

    /// Whether `--json` was given.
    var json: Bool { console.mode.json }

    /// The client core, configured from the connection options (starting the simulator for `--simulate`).
    /// - Throws: ``UsageError`` for malformed connection options, ``DuvoAPIError`` for configuration problems.
    func client() throws -> DuvoClient {
        try endpoint().client
    }

    /// The process's poll scheduler, shared by every follow, wait and watch of this command.
    func scheduler() throws -> PollScheduler {
        let endpoint = try endpoint()
        return connection.withLock { state in
            if let scheduler = state.scheduler { return scheduler }
            // The commands report a follow that ends in an error themselves; at the default level the scheduler's
            // own warning would say the same thing twice.
            let quiet = logger.level > .warning ? logger : Logger(label: logger.label, level: .error)
            let scheduler = PollScheduler(client: endpoint.client, tuning: endpoint.pollTuning, logger: quiet)
            state.scheduler = scheduler
            return scheduler
        }
    }

    /// Stops polling and the embedded simulator, if either was started.
    func shutdown() async {
        let (endpoint, scheduler) = connection.withLock { ($0.endpoint, $0.scheduler) }
        await scheduler?.shutdown()
        endpoint?.simulator?.stop()
    }

    private func endpoint() throws -> ConnectionOptions.Endpoint {
        // Resolved under the lock so that two callers cannot start two simulators.
        try connection.withLock { state in
            if let endpoint = state.endpoint { return endpoint }
            let endpoint = try ConnectionOptions.resolve(parsed, environment: environment, logger: logger)
            state.endpoint = endpoint
            return endpoint
        }
    }

    // MARK: - Renderers in this console's colours

    /// Lays out messages.
    var transcript: TranscriptRenderer { TranscriptRenderer(palette: console.palette) }
    /// Lays out runs.
    var runs: RunRenderer { RunRenderer(palette: console.palette) }
    /// Lays out pending human requests.
    var humanRequests: HumanRequestRenderer { HumanRequestRenderer(palette: console.palette) }
}
