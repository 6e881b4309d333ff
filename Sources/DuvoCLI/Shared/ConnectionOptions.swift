import ArgumentKit
import Diagnostics
import DuvoAPI
import DuvoSimulator
import Foundation

/// The options every command that talks to Duvo shares (`duvo rpc`, `duvo runs ...`), and how they resolve into a
/// client: flags first, then their `DUVO_*` twins, with `--simulate` starting the simulator in this process.
///
/// There is deliberately no `--api-key` flag: a key on a command line is visible to every user of the machine in
/// `ps`. Use `DUVO_API_KEY` or a key file.
public enum ConnectionOptions {
    /// The shared options, with their environment twins.
    public static let options: [Option] = [
        .value("api-key-file", valueName: "PATH", help: "Read the API key from this file (else DUVO_API_KEY).",
               environment: "DUVO_API_KEY_FILE"),
        .value("base-url", valueName: "URL", help: "Duvo API root without version.",
               environment: "DUVO_BASE_URL", defaultValue: DuvoConfiguration.defaultBaseURL),
        .value("ca-file", valueName: "PATH",
               help: "Trust the CAs in this PEM file for https (else SSL_CERT_FILE / SSL_CERT_DIR, or the system's).",
               environment: "DUVO_CA_FILE"),
        .value("api-version", valueName: "v1|v2", help: "API generation to call.", environment: "DUVO_API_VERSION",
               defaultValue: APIVersion.default.rawValue),
        .value("team-id", valueName: "ID", help: "Team for v2's start, list and stats.", environment: "DUVO_TEAM_ID"),
        .value("rate-limit", valueName: "N", help: "Requests per minute this process allows itself (0 = no limit).",
               environment: "DUVO_RATE_LIMIT", defaultValue: String(DuvoConfiguration.defaultRateLimitPerMinute)),
        .value("coordination", valueName: "MODE",
               help: "How processes on one key share its budget: off, local (default) or redis://[:pw@]host:port/db.",
               environment: "DUVO_COORDINATION", defaultValue: "local"),
        .flag("simulate", help: "Use a built-in simulator of the Duvo API (no key, no network).",
              environment: "DUVO_SIMULATE"),
        .value("sim-speed", valueName: "X", help: "With --simulate: run the simulated clock X times faster.",
               environment: "DUVO_SIM_SPEED", defaultValue: "1"),
        .value("poll-scale", valueName: "X",
               help: "Multiply follow/wait poll intervals by X (default 1, or 1/sim-speed with --simulate).",
               environment: "DUVO_POLL_SCALE", hidden: true),
        .value("log-level", valueName: "LEVEL", help: "error, warn, info, debug or trace (logs go to stderr).",
               environment: "DUVO_LOG_LEVEL", defaultValue: "warn"),
    ]

    /// A resolved connection: the client to use, and the simulator it talks to when `--simulate` was given.
    public struct Endpoint: Sendable {
        /// The client core, configured.
        public let client: DuvoClient
        /// The in-process simulator, when one was started; stop it on exit.
        public let simulator: Simulator?
        /// Poll intervals for follows and waits.
        public let pollTuning: PollTuning
    }

    /// The log level the options ask for.
    /// - Throws: ``UsageError`` naming `--log-level` when the level is unknown.
    public static func logLevel(_ parsed: ParsedCommand) throws(UsageError) -> LogLevel {
        let name = parsed.value("log-level") ?? "warn"
        guard let level = LogLevel(name: name) else {
            throw UsageError("option '--log-level' must be error, warn, info, debug or trace, not '\(name)'",
                             commandPath: parsed.commandPath)
        }
        return level
    }

    /// Builds the client the options describe, starting the simulator first when `--simulate` is set.
    /// - Throws: ``UsageError`` for malformed option values; ``DuvoAPIError`` for configuration problems (a key
    ///   file that cannot be read, a bad URL); a simulator start-up failure as ``DuvoAPIError/notConfigured(_:)``.
    /// - Parameter timeout: the command's own `--timeout` (a call's deadline; `rpc` has one), else `DUVO_TIMEOUT`.
    public static func resolve(_ parsed: ParsedCommand, environment: [String: String], logger: Logger,
                               timeout: String? = nil) throws -> Endpoint
    {
        let rateLimit = try parsed.int("rate-limit") ?? DuvoConfiguration.defaultRateLimitPerMinute
        guard rateLimit >= 0 else {
            throw UsageError("option '--rate-limit' must be 0 or more", commandPath: parsed.commandPath)
        }
        let explicitScale = try parsed.double("poll-scale")
        if let explicitScale, explicitScale <= 0 {
            throw UsageError("option '--poll-scale' must be more than 0", commandPath: parsed.commandPath)
        }
        var scale = explicitScale ?? 1
        var configuration: DuvoConfiguration
        var simulator: Simulator?
        if parsed.flag("simulate") {
            let speed = try parsed.double("sim-speed") ?? 1
            guard speed > 0 else {
                throw UsageError("option '--sim-speed' must be more than 0", commandPath: parsed.commandPath)
            }
            // The simulated world runs `speed` times faster, so poll that much more often (the budget still caps it).
            if explicitScale == nil { scale = max(0.02, 1 / speed) }
            let embedded = try EmbeddedSimulator.start(speed: speed, logger: logger)
            simulator = embedded.simulator
            configuration = DuvoConfiguration(apiKey: APIKey(DefaultCredentials.apiKey), baseURL: embedded.baseURL,
                                              apiVersion: .v2, teamID: DefaultCredentials.team,
                                              rateLimitPerMinute: rateLimit)
            if let version = parsed.value("api-version"), let chosen = APIVersion(rawValue: version.lowercased()) {
                configuration.apiVersion = chosen
            }
        } else {
            configuration = try DuvoConfiguration.resolve(
                environment: environment, apiKeyFile: parsed.value("api-key-file"), baseURL: parsed.value("base-url"),
                apiVersion: parsed.value("api-version"), teamID: parsed.value("team-id"),
                rateLimitPerMinute: rateLimit)
        }
        configuration.requestTimeout = try DuvoConfiguration.deadline(flag: timeout, environment: environment)
        if let team = parsed.value("team-id"), !team.isEmpty { configuration.teamID = team }
        let client = DuvoClient(configuration: configuration,
                                transport: try transport(for: configuration.baseURL, simulated: simulator != nil,
                                                         caFile: parsed.value("ca-file"), environment: environment,
                                                         logger: logger),
                                logger: logger,
                                coordination: try coordination(parsed, configuration, environment, logger))
        return Endpoint(client: client, simulator: simulator, pollTuning: PollTuning(scale: scale))
    }

    /// The transport for `baseURL` with the trust and proxy settings of the flags and environment. The embedded
    /// simulator is reached directly: it is in this process.
    private static func transport(for baseURL: URL, simulated: Bool, caFile: String?, environment: [String: String],
                                  logger: Logger) throws(DuvoAPIError) -> any HTTPTransport {
        guard !simulated else { return TransportSelection.transport(for: baseURL) }
        let tls = try TLSConfiguration.resolve(environment: environment, caFile: caFile)
        let proxy = ProxyConfiguration.resolve(environment: environment, scheme: baseURL.scheme ?? "https")
        // The one place a proxy password is registered with the log's redaction; the transport scrubs its errors.
        for secret in proxy.secrets { logger.redact(secret) }
        if let shown = proxy.displayURL, let source = proxy.source {
            logger.debug("connecting through the proxy \(shown) (from \(source))")
        }
        return TransportSelection.transport(for: baseURL, tls: tls, proxy: proxy)
    }

    /// Sets up what `--coordination` asks for (nothing to share without a key).
    /// - Throws: ``UsageError`` for a malformed value; ``DuvoAPIError/notConfigured(_:)`` when the runtime
    ///   directory cannot be used.
    private static func coordination(_ parsed: ParsedCommand, _ configuration: DuvoConfiguration,
                                     _ environment: [String: String], _ logger: Logger) throws -> Coordination {
        let mode: CoordinationMode
        do {
            mode = try CoordinationMode(parsing: parsed.value("coordination"))
        } catch {
            throw UsageError("option '--coordination': \(error)", commandPath: parsed.commandPath)
        }
        guard let key = configuration.apiKey, configuration.rateLimitPerMinute > 0 else { return .off }
        do {
            return try Coordination.make(mode: mode, secret: key.secret, baseURL: configuration.baseURL.absoluteString,
                                         environment: environment, logger: logger)
        } catch {
            throw DuvoAPIError.notConfigured("\(error), or run with --coordination off to keep this process's budget "
                                             + "to itself")
        }
    }
}
