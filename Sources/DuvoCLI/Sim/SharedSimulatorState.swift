import Foundation

/// What the shared background simulator writes to `sim.json` in the runtime directory once it listens, so later
/// `duvo runs ... --simulate` invocations and `duvo sim status|stop` find it.
///
/// The key is drawn at random when the simulator starts and is the only one it accepts: a secret of this user's,
/// kept in the 0700 directory in a 0600 file, registered with the redactor by whoever reads it.
struct SharedSimulatorState: Codable, Sendable, Equatable {
    /// The base URL without a version, e.g. `http://127.0.0.1:40123`.
    var url: String
    /// The key it accepts.
    var apiKey: String
    /// The team that key belongs to.
    var team: String
    /// The serving process.
    var pid: Int32
    /// How much faster than real time its clock runs.
    var speed: Double
    /// How long it waits without a request before it stops itself, in seconds.
    var idleTimeoutSeconds: Double
    /// When it started, in seconds since 1970.
    var startedAt: Double
    /// The `duvo` version that started it.
    var version: String

    /// The longest idle timeout: a year (any longer is as good as none, and would overflow when shown).
    static let longestIdleTimeout = 365 * 86_400.0

    /// Whether the shared simulator may stop after `seconds` without requests: above 0, a year at most.
    static func accepts(idleTimeout seconds: Double) -> Bool { seconds > 0 && seconds <= longestIdleTimeout }

    enum CodingKeys: String, CodingKey {
        case url, pid, speed, team, version
        case apiKey = "api_key"
        case idleTimeoutSeconds = "idle_timeout_seconds"
        case startedAt = "started_at"
    }
}
