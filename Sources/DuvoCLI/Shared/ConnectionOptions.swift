import ArgumentKit
import Diagnostics
import DuvoAPI
import DuvoHTTP
import DuvoSimulator
import Foundation
import KeyCoordination
import RunWatching
import Time

/// The options every command that talks to Duvo shares (`duvo rpc`, `duvo runs ...`), and how they resolve into a
/// client: flags first, then their `DUVO_*` twins, with `--simulate` starting the simulator in this process.
///
/// There is deliberately no `--api-key` flag: a key on a command line is visible to every user of the machine in
/// `ps`. Use `DUVO_API_KEY` or a key file.
package enum ConnectionOptions {
    /// The shared options, with their environment twins.
    package static let options: [Option] = [
        .value("api-key-file", valueName: "PATH", help: "Read the API key from this file (else DUVO_API_KEY).",
               environment: "DUVO_API_KEY_FILE"),
        .value("base-url", valueName: "URL", help: "Duvo API root without version.",
               environment: "DUVO_BASE_URL", defaultValue: DuvoConfiguration.defaultBaseURL),
        .value("ca-file", valueName: "PATH",
               help: "Trust the CAs in this PEM file for https (else SSL_CERT_FILE / SSL_CERT_DIR, or the system's).",
               environment: "DUVO_CA_FILE"),
        .value("api-version", valueName: "v1|v2", help: "API generation to call.", environment: "DUVO_API_VERSION",
               defaultValue: APIVersion.default.rawValue),
        .value("team-id", valueName: "ID",
               help: "Team for v2's list and stats; v2 starts runs in it (without one, through /v1/runs).",
               environment: "DUVO_TEAM_ID"),
        .value("rate-limit", valueName: "N", help: "Requests per minute this process allows itself (0 = no limit).",
               environment: "DUVO_RATE_LIMIT", defaultValue: String(DuvoConfiguration.defaultRateLimitPerMinute)),
        .value("coordination", valueName: "MODE",
               help: "How processes on one key share its budget: off, local (default), redis[s]://host:port/db.",
               environment: "DUVO_COORDINATION", defaultValue: "local"),
        .value("webhooks", valueName: "URL",
               help: "Public URL of 'duvo webhooks': runs started here ask Duvo for events there (push, not poll); "
                   + "with --simulate: local, a receiver in this process.",
               environment: "DUVO_WEBHOOKS"),
        .value("webhooks-safety-net", valueName: "S",
               help: "With --webhooks: how often a run that gets events is read anyway, in seconds (default 60).",
               environment: "DUVO_WEBHOOKS_SAFETY_NET"),
        .flag("simulate", help: "Use this user's shared simulator of the Duvo API (no key, no network); "
                  + "=private: one of this process's own.",
              environment: "DUVO_SIMULATE", variants: ["private"]),
        .value("sim-speed", valueName: "X", help: "With --simulate: run the simulated clock X times faster.",
               environment: "DUVO_SIM_SPEED", defaultValue: "1"),
        .value("poll-scale", valueName: "X",
               help: "Multiply follow/wait poll intervals by X (default 1, or 1/sim-speed with --simulate).",
               environment: "DUVO_POLL_SCALE", hidden: true),
        .value("log-level", valueName: "LEVEL", help: "error, warn, info, debug or trace (logs go to stderr).",
               environment: "DUVO_LOG_LEVEL", defaultValue: "warn",
               choices: ["error", "warn", "info", "debug", "trace"]),
    ]

    /// A resolved connection: the client to use, and the simulator it talks to when `--simulate` was given.
    package struct Endpoint: Sendable {
        /// The client core, configured.
        package let client: DuvoClient
        /// How this process shares the key with others: the client's budget store and the poll scheduler's sweeps.
        package let coordination: Coordination
        /// The in-process simulator, when one was started; stop it on exit.
        package let simulator: Simulator?
        /// Poll intervals for follows and waits.
        package let pollTuning: PollTuning
        /// The webhook the runs it starts are given and the bus of their events (`--webhooks`), if asked for.
        package var webhooks: Webhooks? = nil
        /// The receiver `--simulate --webhooks local` started in this process; stop it on exit.
        package var receiver: WebhookReceiver? = nil
        /// The pid of the shared simulator it talks to (`duvo runs --simulate`), so a follow can tell it stopped.
        var sharedSimulatorPID: Int32?
    }

    /// The log level the options ask for.
    /// - Throws: ``UsageError`` naming `--log-level` when the level is unknown.
    package static func logLevel(_ parsed: ParsedCommand) throws(UsageError) -> LogLevel {
        let name = parsed.value("log-level") ?? "warn"
        guard let level = LogLevel(name: name) else {
            throw UsageError("option '--log-level' must be error, warn, info, debug or trace, not '\(name)'",
                             commandPath: parsed.commandPath)
        }
        return level
    }

    /// Builds the client the options describe, starting a simulator in this process when `--simulate` is set (a
    /// private one, as `--simulate=private` asks; for the shared one, see
    /// ``resolve(_:sharedSimulatorWith:executablePath:timeout:logger:)``).
    /// - Parameter timeout: the command's own `--timeout` (a call's deadline; `rpc` has one), else `DUVO_TIMEOUT`.
    /// - Throws: ``UsageError`` for malformed option values; ``DuvoAPIError`` for configuration problems (a key
    ///   file that cannot be read, a bad URL); a simulator start-up failure as ``DuvoAPIError/notConfigured(_:)``.
    package static func resolve(_ parsed: ParsedCommand, environment: [String: String], logger: Logger,
                               timeout: String? = nil) throws -> Endpoint
    {
        let (rateLimit, explicitScale) = try pacing(parsed)
        guard parsed.flag("simulate") else {
            return try direct(parsed, environment: environment, rateLimit: rateLimit, scale: explicitScale ?? 1,
                              timeout: timeout, logger: logger)
        }
        let speed = try simulatorSpeed(parsed)
        let embedded = try EmbeddedSimulator.start(speed: speed, logger: logger)
        return try simulated(parsed, environment: environment, apiKey: embedded.apiKey,
                             baseURL: embedded.baseURL, team: DefaultCredentials.team, rateLimit: rateLimit,
                             scale: explicitScale ?? max(0.02, 1 / speed), timeout: timeout,
                             simulator: embedded.simulator, logger: logger)
    }

    /// Builds the client the options describe; `--simulate` uses the user's shared background simulator
    /// (`duvo runs`), started first when none runs, so one command's runs are there for the next.
    /// - Parameter timeout: the command's `--timeout` when it is a call's deadline, else `DUVO_TIMEOUT` applies.
    /// - Throws: as ``resolve(_:environment:logger:timeout:)``.
    static func resolve(_ parsed: ParsedCommand, sharedSimulatorFor context: CommandContext, timeout: String?,
                        logger: Logger) async throws -> Endpoint
    {
        try await resolve(parsed, sharedSimulatorWith: context.environment, executablePath: context.executablePath,
                          timeout: timeout, logger: logger)
    }

    /// Builds the client the options describe; `--simulate` uses the user's shared background simulator, started
    /// from `executablePath` when none runs, and `--simulate=private` one in this process.
    /// - Throws: as ``resolve(_:environment:logger:timeout:)``.
    package static func resolve(_ parsed: ParsedCommand, sharedSimulatorWith environment: [String: String],
                                executablePath: String, timeout: String?, logger: Logger) async throws -> Endpoint
    {
        guard parsed.flag("simulate"), parsed.value("simulate") != "private" else {
            return try resolve(parsed, environment: environment, logger: logger, timeout: timeout)
        }
        let (rateLimit, explicitScale) = try pacing(parsed)
        let speed = try simulatorSpeed(parsed)
        let state: SharedSimulatorState
        do {
            let shared = try SharedSimulator(environment: environment)
            state = try await shared.connect(speed: speed, executable: executablePath, environment: environment)
        } catch {
            throw DuvoAPIError.notConfigured(error.description)
        }
        guard let url = URL(string: state.url) else {
            throw DuvoAPIError.notConfigured("the shared simulator gave an unusable address '\(state.url)'")
        }
        if state.speed != speed {
            logger.debug("the shared simulator runs at \(state.speed)x; --sim-speed applies to one started anew "
                + "('duvo sim stop' first)")
        }
        logger.info("using the shared Duvo simulator at \(state.url) (pid \(state.pid); 'duvo sim status')")
        var endpoint = try simulated(parsed, environment: environment, apiKey: state.apiKey, baseURL: url,
                                     team: state.team, rateLimit: rateLimit,
                                     scale: explicitScale ?? max(0.02, 1 / state.speed), timeout: timeout,
                                     simulator: nil, logger: logger)
        endpoint.sharedSimulatorPID = state.pid
        return endpoint
    }

    /// `--rate-limit` and `--poll-scale`, checked, and `--webhooks` and `--webhooks-safety-net` checked with them,
    /// so that every bad value is refused before a simulator starts.
    private static func pacing(_ parsed: ParsedCommand) throws(UsageError) -> (rateLimit: Int, scale: Double?) {
        _ = try (webhooksChoice(parsed), safetyNet(parsed))
        let rateLimit = try parsed.int("rate-limit") ?? DuvoConfiguration.defaultRateLimitPerMinute
        guard rateLimit >= 0 else {
            throw UsageError("option '--rate-limit' must be 0 or more", commandPath: parsed.commandPath)
        }
        let explicitScale = try parsed.double("poll-scale")
        if let explicitScale, explicitScale <= 0 {
            throw UsageError("option '--poll-scale' must be more than 0", commandPath: parsed.commandPath)
        }
        return (rateLimit, explicitScale)
    }

    /// `--sim-speed`, checked.
    private static func simulatorSpeed(_ parsed: ParsedCommand) throws(UsageError) -> Double {
        let speed = try parsed.double("sim-speed") ?? 1
        guard SimulatedClock.accepts(speed: speed) else {
            throw UsageError("option '--sim-speed' must be more than 0 and at most \(Int(SimulatedClock.fastest))",
                             commandPath: parsed.commandPath)
        }
        return speed
    }

    /// The client for a real Duvo, from the flags and their `DUVO_*` twins.
    private static func direct(_ parsed: ParsedCommand, environment: [String: String], rateLimit: Int,
                               scale: Double, timeout: String?, logger: Logger) throws -> Endpoint {
        var configuration = try DuvoConfiguration.resolve(
            environment: environment, apiKeyFile: parsed.value("api-key-file"), baseURL: parsed.value("base-url"),
            apiVersion: parsed.value("api-version"), teamID: parsed.value("team-id"), rateLimitPerMinute: rateLimit)
        if let team = parsed.value("team-id"), !team.isEmpty { configuration.teamID = team }
        return try endpoint(parsed, configuration, environment: environment, timeout: timeout, scale: scale,
                            simulator: nil, simulated: false, logger: logger)
    }

    /// The client for a simulator at `baseURL` (v2 unless `--api-version` says otherwise).
    private static func simulated(_ parsed: ParsedCommand, environment: [String: String], apiKey: String,
                                  baseURL: URL, team: String, rateLimit: Int, scale: Double, timeout: String?,
                                  simulator: Simulator?, logger: Logger) throws -> Endpoint {
        var configuration = DuvoConfiguration(apiKey: APIKey(apiKey), baseURL: baseURL, apiVersion: .v2,
                                              teamID: team, rateLimitPerMinute: rateLimit)
        if let version = parsed.value("api-version"), let chosen = APIVersion(rawValue: version.lowercased()) {
            configuration.apiVersion = chosen
        }
        if let team = parsed.value("team-id"), !team.isEmpty { configuration.teamID = team }
        return try endpoint(parsed, configuration, environment: environment, timeout: timeout, scale: scale,
                            simulator: simulator, simulated: true, logger: logger)
    }

    /// The endpoint for a resolved configuration: the call deadline, the transport (trust and proxies) and how the
    /// key's budget is shared, the same for Duvo and for a simulator.
    private static func endpoint(_ parsed: ParsedCommand, _ resolved: DuvoConfiguration,
                                 environment: [String: String], timeout: String?, scale: Double,
                                 simulator: Simulator?, simulated: Bool, logger: Logger) throws -> Endpoint {
        var configuration = resolved
        configuration.requestTimeout = try DuvoConfiguration.deadline(flag: timeout, environment: environment)
        // The process's one clock, for the client, its budget, coordination and the poll scheduler.
        let clock = SystemTimeSource()
        let coordination = try Self.coordination(parsed, configuration, environment, logger, clock)
        let client = DuvoClient(configuration: configuration,
                                transport: try transport(for: configuration.baseURL, simulated: simulated,
                                                         caFile: parsed.value("ca-file"), environment: environment,
                                                         logger: logger),
                                logger: logger, coordination: coordination, clock: clock)
        var tuning = PollTuning(scale: scale)
        if let safetyNet = try safetyNet(parsed) { tuning.safetyNetInterval = safetyNet }
        let push = try webhooks(parsed, configuration, environment, logger)
        return Endpoint(client: client, coordination: coordination, simulator: simulator, pollTuning: tuning,
                        webhooks: push.webhooks, receiver: push.receiver)
    }

    /// What `--webhooks` names.
    enum WebhooksChoice: Equatable {
        /// No events: runs are polled.
        case none
        /// `local` with `--simulate`: a receiver in this process on loopback.
        case local
        /// The public URL at which Duvo reaches `duvo webhooks`.
        case url(String)
    }

    /// `--webhooks-safety-net`, checked: seconds from 1 to a day.
    static func safetyNet(_ parsed: ParsedCommand) throws(UsageError) -> Double? {
        guard let seconds = try parsed.double("webhooks-safety-net") else { return nil }
        guard seconds >= 1, seconds <= 86_400 else {
            throw UsageError("option '--webhooks-safety-net' must be seconds from 1 to 86400, not "
                + "'\(parsed.value("webhooks-safety-net") ?? "")'", commandPath: parsed.commandPath)
        }
        return seconds
    }

    /// `--webhooks`, checked before anything starts.
    /// - Throws: ``UsageError`` when the URL is not http(s), when `local` comes without `--simulate`, or when a URL
    ///   is written with `--simulate` (the simulator's key is its own: no receiver elsewhere knows its token).
    static func webhooksChoice(_ parsed: ParsedCommand) throws(UsageError) -> WebhooksChoice {
        guard let text = parsed.value("webhooks"), !text.isEmpty else { return .none }
        let simulated = parsed.flag("simulate")
        if text == "local" {
            guard simulated else {
                throw UsageError("option '--webhooks local' starts a receiver on 127.0.0.1, which only the simulator "
                    + "reaches: add --simulate, or give the public URL at which Duvo reaches 'duvo webhooks'",
                                 commandPath: parsed.commandPath)
            }
            return .local
        }
        if simulated {
            // DUVO_WEBHOOKS set for the real Duvo stays out of the simulator's way; written here, it is a mistake.
            guard parsed.isWritten("webhooks") else { return .none }
            throw UsageError("with --simulate, option '--webhooks' must be 'local' (a receiver in this process on "
                + "127.0.0.1): the simulator's key is its own, so no other receiver knows its token",
                             commandPath: parsed.commandPath)
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
        else {
            throw UsageError("option '--webhooks' must be an http(s) URL with no query, such as "
                + "https://hooks.example.com/duvo (or 'local' with --simulate), not '\(text)'",
                             commandPath: parsed.commandPath)
        }
        return .url(text)
    }

    /// What `--webhooks` asks for: the URL the runs this process starts are given (the public URL, or the embedded
    /// receiver's, one slash, the key's token), the key's event bus (`--coordination`'s) and the receiver started
    /// here for `local`; nothing without the option or without a key.
    /// - Throws: ``UsageError`` as ``webhooksChoice(_:)``, or when coordination is off (events reach a process
    ///   through it); ``DuvoAPIError/notConfigured(_:)`` when the bus cannot be used or the receiver cannot listen.
    private static func webhooks(_ parsed: ParsedCommand, _ configuration: DuvoConfiguration,
                                 _ environment: [String: String], _ logger: Logger) throws
        -> (webhooks: Webhooks?, receiver: WebhookReceiver?)
    {
        let choice = try webhooksChoice(parsed)
        guard choice != .none, let key = configuration.apiKey else { return (nil, nil) }
        let mode = try coordinationMode(parsed, environment)
        var tls = TLSConfiguration.system
        if case .redis(let endpoint) = mode, endpoint.tls {
            tls = try TLSConfiguration.resolve(environment: environment, caFile: parsed.value("ca-file"))
        }
        let bus: (any EventBus)?
        do {
            bus = try Coordination.eventBus(mode: mode, secret: key.secret, environment: environment, tls: tls,
                                            logger: logger)
        } catch {
            throw DuvoAPIError.notConfigured("--webhooks: the event bus cannot be used: \(error)")
        }
        guard let bus else {
            throw UsageError("option '--webhooks' needs --coordination local or redis: the events reach this "
                + "process through it", commandPath: parsed.commandPath)
        }
        let token = WebhookToken(apiKey: key.secret)
        switch choice {
        case .none:
            return (nil, nil)
        case .local:
            let embedded = try WebhookReceiver.embedded(apiKey: key.secret, bus: bus, logger: logger)
            return (Webhooks(url: token.webhookURL(base: embedded.url), events: bus), embedded.receiver)
        case .url(let text):
            logger.info("runs started here ask Duvo for webhook events at \(text) (token withheld)")
            return (Webhooks(url: token.webhookURL(base: text), events: bus), nil)
        }
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
    /// - Throws: ``UsageError`` for a malformed value or a password on the command line;
    ///   ``DuvoAPIError/notConfigured(_:)`` when the runtime directory, the coordination file or the CA file cannot
    ///   be used.
    private static func coordination(_ parsed: ParsedCommand, _ configuration: DuvoConfiguration,
                                     _ environment: [String: String], _ logger: Logger,
                                     _ clock: any TimeSource) throws -> Coordination {
        let mode = try coordinationMode(parsed, environment)
        guard let key = configuration.apiKey, configuration.rateLimitPerMinute > 0 else { return .off }
        var tls = TLSConfiguration.system
        if case .redis(let endpoint) = mode, endpoint.tls {
            tls = try TLSConfiguration.resolve(environment: environment, caFile: parsed.value("ca-file"))
        }
        do {
            return try Coordination.make(mode: mode, secret: key.secret, baseURL: configuration.baseURL.absoluteString,
                                         environment: environment, tls: tls, logger: logger, clock: clock)
        } catch {
            throw DuvoAPIError.notConfigured("\(error), or run with --coordination off to keep this process's budget "
                                             + "to itself")
        }
    }

    /// The mode `--coordination` names, else the file `DUVO_COORDINATION_FILE` names (for a URL with a password),
    /// else `DUVO_COORDINATION`. A password written on the command line is refused: `ps` shows it to every user.
    static func coordinationMode(_ parsed: ParsedCommand, _ environment: [String: String]) throws
        -> CoordinationMode
    {
        var text = parsed.value("coordination")
        // The variable fills the option when it is not written (the parser's rule for every option's variable).
        var source = parsed.isWritten("coordination") || (environment["DUVO_COORDINATION"] ?? "").isEmpty
            ? "option '--coordination'" : "DUVO_COORDINATION"
        if !parsed.isWritten("coordination"), let path = environment["DUVO_COORDINATION_FILE"], !path.isEmpty {
            source = "DUVO_COORDINATION_FILE '\(path)'"
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw DuvoAPIError.notConfigured("cannot read the file DUVO_COORDINATION_FILE names ('\(path)'); check "
                    + "the path and its permissions")
            }
            text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let mode: CoordinationMode
        do {
            mode = try CoordinationMode(parsing: text)
        } catch {
            throw UsageError("\(source): \(error)", commandPath: parsed.commandPath)
        }
        if parsed.isWritten("coordination"), case .redis(let endpoint) = mode, !(endpoint.password ?? "").isEmpty {
            throw UsageError("option '--coordination' must not hold a password (every user of this machine sees a "
                + "command line in `ps`): put the URL in DUVO_COORDINATION, or in a file named by "
                + "DUVO_COORDINATION_FILE", commandPath: parsed.commandPath)
        }
        return mode
    }
}
