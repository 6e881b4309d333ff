import Diagnostics
import HTTPServer

/// Everything that shapes a simulator: where it listens, who may call it, how fast time runs, what fails.
public struct SimulatorConfiguration: Sendable {
    /// The address to bind; loopback by default so nothing outside the machine can reach it.
    public var host: String
    /// The port; 0 picks a free one (read it back from ``Simulator/start()``).
    public var port: UInt16
    /// The API keys and their teams.
    public var credentials: Credentials
    /// Requests per key per minute; 0 turns rate limiting off.
    public var rateLimitPerMinute: Int
    /// Whether answers carry `x-ratelimit-limit/-remaining/-reset` (Duvo's documents do not promise them; a 429
    /// carries `Retry-After` either way).
    public var rateLimitHeaders = true
    /// Simulated seconds per real second.
    public var speed: Double
    /// Agents beyond the built-ins (from `--agents FILE`).
    public var extraAgents: [Scenario]
    /// Faults to inject.
    public var faults: FaultSpec
    /// Seed of the fault sequence; nil picks one at random (it is logged so a run can be replayed).
    public var seed: UInt64?
    /// Faults of webhook deliveries (drop, duplicate, delay, reorder); seeded by their own `seed=` or by ``seed``.
    public var webhookFaults = WebhookFaultSpec()
    /// Where diagnostics go (stderr).
    public var logger: Logger
    /// Real seconds before each webhook retry; the count is the number of retries.
    public var webhookRetryDelays: [Double]
    /// Real seconds one webhook POST may take, its answer included: a receiver that trickles its answer is cut off
    /// then, and the attempt counts as failed.
    public var webhookAttemptTimeout: Double = 10
    /// HTTP bounds (header and body sizes, idle timeout, connections).
    public var limits: HTTPLimits

    /// The defaults of `duvo sim`: 127.0.0.1:8787, the default key and team, 300 requests/minute, speed 1, no faults.
    public init(
        host: String = "127.0.0.1", port: UInt16 = 8787, credentials: Credentials? = nil,
        rateLimitPerMinute: Int = 300, speed: Double = 1, extraAgents: [Scenario] = [], faults: FaultSpec = FaultSpec(),
        seed: UInt64? = nil, logger: Logger = Logger(label: "duvo sim", level: .info),
        webhookRetryDelays: [Double] = [0.5, 1, 2], limits: HTTPLimits = HTTPLimits()
    ) {
        self.host = host
        self.port = port
        self.credentials = credentials ?? Self.defaultCredentials
        self.rateLimitPerMinute = rateLimitPerMinute
        self.speed = speed
        self.extraAgents = extraAgents
        self.faults = faults
        self.seed = seed
        self.logger = logger
        self.webhookRetryDelays = webhookRetryDelays
        self.limits = limits
    }

    private static let defaultCredentials: Credentials = {
        do { return try Credentials(apiKeys: [], teams: []) } catch {
            preconditionFailure("default credentials: \(error)")
        }
    }()
}
