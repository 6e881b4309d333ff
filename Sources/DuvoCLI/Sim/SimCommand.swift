import ArgumentKit
import Diagnostics
import DuvoSimulator
import Foundation
import JSONCore

/// `duvo sim`: runs the local Duvo API simulator until interrupted; `duvo sim agents` lists its agents;
/// `duvo sim status|stop` report on and stop the shared background simulator of `duvo runs ... --simulate`.
///
/// Once listening, `duvo sim` prints exactly one line to stdout, the base URL without a version, so scripts can
/// read it; everything else goes to stderr.
enum SimCommand {
    /// `duvo sim` serves; its subcommands list agents and manage the shared simulator.
    static let spec = Command(
        "sim", abstract: "Run a local simulator of the Duvo API",
        discussion: """
            Serves /v1 and /v2 of the Duvo runs API on loopback with built-in agents.
            Prints its base URL (e.g. http://127.0.0.1:8787) on stdout once listening; logs go to stderr.
            Without --api-key, the key \(DefaultCredentials.apiKey) and team \(DefaultCredentials.team) are used.
            'duvo runs ... --simulate' uses a shared background simulator instead (one per user, started on first
            use, stopped after \(Int(SharedSimulator.defaultIdleTimeout / 60)) minutes without a request):
            'duvo sim status' says where it is, 'duvo sim stop' stops it.
            """,
        options: serveOptions,
        subcommands: [
            Command(
                "agents", abstract: "List the simulator's agents (built-ins plus --agents FILE)",
                options: [.flag("json", help: "Print [{\"id\",\"name\",\"description\"}] as JSON")]),
            Command(
                "status", abstract: "Say whether the shared simulator of 'duvo runs --simulate' runs, and where",
                discussion: "Exits 0 when it runs, 1 when none does.",
                options: [.flag("json", help: "Print the state as JSON ({\"running\": false} when none runs)")]),
            Command("stop", abstract: "Stop the shared simulator of 'duvo runs --simulate' (if one runs)"),
            Command(
                "serve-shared", abstract: "Serve as the shared background simulator (started by duvo itself)",
                options: [.value("idle-timeout", valueName: "SECONDS", help: "Stop after this long without a request",
                                 environment: SharedSimulator.idleTimeoutVariable,
                                 defaultValue: String(Int(SharedSimulator.defaultIdleTimeout)))],
                hidden: true),
        ],
        runsWithoutSubcommand: true)

    private static let serveOptions: [Option] = [
        .value("host", valueName: "ADDRESS", help: "Address to listen on", defaultValue: "127.0.0.1"),
        .value("port", valueName: "N", help: "Port to listen on; 0 picks a free one", defaultValue: "8787"),
        .value(
            "api-key", valueName: "KEY[:TEAM,...]", help: "An accepted API key, optionally bound to teams",
            repeatable: true),
        .value("team", valueName: "ID", help: "A team that keys without ':TEAMS' belong to", repeatable: true),
        .value("rate-limit", valueName: "N", help: "Requests per key per minute; 0 turns it off", defaultValue: "300"),
        .flag("no-rate-limit-headers", help: "Send no x-ratelimit-* headers (a 429 still carries Retry-After)"),
        .value("speed", valueName: "X", help: "Run the simulated clock X times faster", defaultValue: "1"),
        .value("agents", valueName: "FILE", help: "Load more agents from a JSON scenario file"),
        .value(
            "faults", valueName: "SPEC",
            help: "Inject faults, e.g. 5xx=0.05,429=0.02,latency=0.1:300ms,drop=0.01 or 'default'"),
        .value("seed", valueName: "N", help: "Seed for the fault sequence (same seed, same faults)"),
        .value(
            "webhook-faults", valueName: "SPEC",
            help: "Make webhook deliveries fail, e.g. drop=0.2,duplicate=0.1,reorder=0.1,delay=0.1:2s,seed=7"),
        .value(
            "log-level", valueName: "LEVEL", help: "error, warn, info, debug or trace", environment: "DUVO_LOG_LEVEL",
            defaultValue: "info"),
    ]

    /// Runs the parsed `duvo sim ...` command; returns the exit code.
    static func run(_ parsed: ParsedCommand, context: CommandContext) async -> ExitCode {
        do {
            switch parsed.path.last {
            case "agents": return try listAgents(parsed, context: context)
            case "status": return try status(parsed, context: context)
            case "stop": return try await stop(context: context)
            case "serve-shared": return try await serveShared(parsed, context: context)
            default: return try await serve(try configuration(parsed), context: context)
            }
        } catch let error as UsageError {
            context.printError(error.description)
            return .usage
        } catch {
            context.printError("error: \(error)")
            return .refused
        }
    }

    static func configuration(_ parsed: ParsedCommand) throws -> SimulatorConfiguration {
        let path = parsed.commandPath
        guard let levelName = parsed.value("log-level"), let level = LogLevel(name: levelName) else {
            throw UsageError("option '--log-level' expects error, warn, info, debug or trace", commandPath: path)
        }
        guard let port = try parsed.int("port"), (0...65535).contains(port) else {
            throw UsageError("option '--port' expects a port from 0 to 65535", commandPath: path)
        }
        guard let rate = try parsed.int("rate-limit"), rate >= 0 else {
            throw UsageError("option '--rate-limit' expects 0 (off) or a positive number", commandPath: path)
        }
        guard let speed = try parsed.double("speed"), SimulatedClock.accepts(speed: speed) else {
            throw UsageError("option '--speed' expects a number above 0 and at most \(Int(SimulatedClock.fastest)), "
                + "e.g. 1 or 50", commandPath: path)
        }
        var seed: UInt64?
        if let text = parsed.value("seed") {
            guard let value = UInt64(text) else {
                throw UsageError("option '--seed' expects a non-negative whole number", commandPath: path)
            }
            seed = value
        }
        do {
            var configuration = SimulatorConfiguration(
                host: parsed.value("host") ?? "127.0.0.1", port: UInt16(port),
                credentials: try Credentials(apiKeys: parsed.values("api-key"), teams: parsed.values("team")),
                rateLimitPerMinute: rate, speed: speed, extraAgents: try extraAgents(parsed),
                faults: try parsed.value("faults").map { text throws(FaultSpecError) in try FaultSpec(parsing: text) }
                    ?? FaultSpec(),
                seed: seed, logger: Logger(label: "duvo sim", level: level))
            configuration.rateLimitHeaders = !parsed.flag("no-rate-limit-headers")
            if let text = parsed.value("webhook-faults") {
                configuration.webhookFaults = try WebhookFaultSpec(parsing: text)
            }
            return configuration
        } catch let error as CredentialsError {
            throw UsageError(error.description, commandPath: path)
        } catch let error as FaultSpecError {
            throw UsageError(error.description, commandPath: path)
        }
    }

    private static func extraAgents(_ parsed: ParsedCommand) throws -> [Scenario] {
        guard let file = parsed.value("agents") else { return [] }
        let agents = try ScenarioFile.load(path: file)
        _ = try AgentCatalog(extra: agents, source: file)  // clashes with built-ins are reported against the file
        return agents
    }

    private static func listAgents(_ parsed: ParsedCommand, context: CommandContext) throws -> ExitCode {
        let catalog = try AgentCatalog(extra: try extraAgents(parsed))
        if parsed.flag("json") {
            context.print(JSONWriter(sortedKeys: true, pretty: true).string(Simulator.agentList(catalog)))
        } else {
            let width = catalog.agents.map(\.name.count).max() ?? 0
            for agent in catalog.agents {
                context.print(
                    "\(agent.id)  \(agent.name.padding(toLength: width, withPad: " ", startingAt: 0))  "
                        + agent.description
                )
            }
        }
        return .success
    }

    /// Serves in the foreground until the command's task is cancelled (Ctrl-C or SIGTERM at the process edge).
    private static func serve(_ configuration: SimulatorConfiguration, context: CommandContext) async throws
        -> ExitCode
    {
        let simulator = try Simulator(configuration: configuration)
        let url = try simulator.start()
        context.print(url)
        await waitUntilCancelled()
        configuration.logger.info("stopping")
        simulator.stop()
        return .success
    }

    /// Returns when the current task is cancelled.
    static func waitUntilCancelled() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                return
            }
        }
    }
}
