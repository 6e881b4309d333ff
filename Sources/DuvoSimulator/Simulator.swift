import Diagnostics
import HTTPServer
import JSONCore
import Synchronization

/// A local, faithful simulator of the Duvo runs API (v1 and v2), served over real HTTP.
///
/// Use it from the command line (`duvo sim`) or in-process (`duvo rpc --simulate`, tests):
/// ```swift
/// let simulator = try Simulator(configuration: SimulatorConfiguration(port: 0, speed: 50))
/// let baseURL = try simulator.start()   // "http://127.0.0.1:PORT"; append /v1/... or /v2/...
/// defer { simulator.stop() }
/// ```
/// - Important: call ``stop()`` when done; it closes the listener and every connection.
public final class Simulator: Sendable {
    /// The configuration it was made with.
    public let configuration: SimulatorConfiguration
    /// The agents it serves.
    public let catalog: AgentCatalog
    private let server: HTTPServer
    private let store: RunStore
    private let webhooks: WebhookSender
    private let ticker: Ticker
    private let started = Mutex<String?>(nil)
    private let activity: RequestActivity

    /// A simulator ready to ``start()``.
    /// - Throws: ``ScenarioFileError`` when the extra agents clash with the built-ins.
    public init(configuration: SimulatorConfiguration) throws(ScenarioFileError) {
        self.configuration = configuration
        self.catalog = try AgentCatalog(extra: configuration.extraAgents)
        let logger = configuration.logger
        for key in configuration.credentials.teamsByKey.keys where key != DefaultCredentials.apiKey {
            logger.redact(key)
        }
        let seed = configuration.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        if configuration.faults.isEnabled { logger.info("injecting faults with --seed \(seed)") }
        let webhookFaults = configuration.webhookFaults
        if webhookFaults.isEnabled {
            logger.info("injecting webhook faults with seed=\(webhookFaults.seed ?? seed)")
        }
        let webhooks = WebhookSender(
            logger: logger, retryDelays: configuration.webhookRetryDelays,
            attemptTimeout: configuration.webhookAttemptTimeout,
            plan: WebhookFaultPlan(spec: webhookFaults, seed: webhookFaults.seed ?? seed))
        let store = RunStore(clock: SimulatedClock(speed: configuration.speed)) { events in webhooks.send(events) }
        let endpoints = RunEndpoints(store: store, catalog: catalog)
        let handler = APIHandler(
            credentials: configuration.credentials, limiter: RateLimiter(limit: configuration.rateLimitPerMinute),
            faults: FaultInjector(spec: configuration.faults, seed: seed),
            router: Router(routes: V1Routes.make(endpoints) + V2Routes.make(endpoints)), clock: store.clock,
            logger: logger, sendsRateHeaders: configuration.rateLimitHeaders)
        let activity = RequestActivity()
        self.activity = activity
        self.server = HTTPServer(
            host: configuration.host, port: configuration.port, limits: configuration.limits,
            errorResponder: { error in
                let code = error.status == 413 ? "payload_too_large" : "invalid_request"
                return JSONResponse.error(APIError(status: error.status, code: code, message: "\(error.description)."))
            }, handler: { request in
                activity.touch()
                return handler.handle(request)
            })
        self.store = store
        self.webhooks = webhooks
        self.ticker = Ticker(interval: .milliseconds(50)) { store.tick() }
    }

    /// Starts listening and returns the base URL without a version, e.g. `http://127.0.0.1:8787`.
    /// - Throws: ``HTTPServerError`` when the address cannot be bound (port in use, bad host).
    public func start() throws(HTTPServerError) -> String {
        if let url = started.withLock({ $0 }) { return url }
        let port = try server.start()
        ticker.start()
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let url = "http://\(host):\(port)"
        started.withLock { $0 = url }
        let logger = configuration.logger
        logger.info(
            "listening on \(url) (speed \(configuration.speed)x, \(catalog.agents.count) agents, rate limit "
                + (configuration.rateLimitPerMinute > 0 ? "\(configuration.rateLimitPerMinute)/min per key)" : "off)"))
        if configuration.credentials.usesDefaultKey {
            let teams = configuration.credentials.teams(for: DefaultCredentials.apiKey) ?? []
            logger.info(
                "API key: \(DefaultCredentials.apiKey) (the documented default), "
                    + "teams: \(teams.joined(separator: ", "))"
            )
        }
        return url
    }

    /// How long since the last request arrived (or since the simulator was made, before the first): the shared
    /// background simulator stops itself when this passes its idle time.
    public var idleDuration: Duration { activity.idle }

    /// The base URL once started, else nil.
    public var baseURL: String? { started.withLock { $0 } }

    /// Runs with a webhook delivery queued or going (0 once all are done).
    package var runsWithWebhooksInFlight: Int { webhooks.runsWithDeliveriesInFlight }

    /// Stops serving: closes the listener and every connection, stops the ticker and webhook deliveries.
    public func stop() {
        ticker.stop()
        server.stop()
        webhooks.shutdown()
    }

    /// The agent catalog as `duvo sim agents --json` prints it: `[{"id", "name", "description"}]`.
    public static func agentList(_ catalog: AgentCatalog) -> JSONValue {
        .array(
            catalog.agents.map {
                ["id": .string($0.id), "name": .string($0.name), "description": .string($0.description)]
            })
    }
}
