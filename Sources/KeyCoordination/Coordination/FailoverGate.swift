import Diagnostics
import Synchronization
import Time

/// Decides, call by call, whether shared coordination is tried or its fallback used, and says so once per outage.
///
/// After a failure the primary is skipped for a back-off (0.5 s doubling to 30 s); then one call probes it while the
/// others keep using the fallback. The first failure of an outage is logged as a warning, the recovery likewise;
/// failed probes in between only at debug level.
package final class FailoverGate: Sendable {
    private struct State {
        var down = false
        var probing = false
        var retryAt = 0.0
        var backoff = 0.5
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let clock: any TimeSource

    /// A gate that logs to `logger` and reads `clock` for its back-off.
    package init(logger: Logger, clock: any TimeSource = SystemTimeSource()) {
        self.logger = logger
        self.clock = clock
    }

    /// Whether the primary is currently considered unreachable.
    package var isDown: Bool { state.withLock { $0.down } }

    /// Runs `primary`, or `fallback` while the primary is down and not due for a probe, or when it fails now.
    /// - Parameters:
    ///   - primaryLabel, fallbackLabel: what the two are, for the log lines (never secrets).
    package func run<T>(primaryLabel: String, fallbackLabel: String,
                       primary: () async throws(CoordinationError) -> T,
                       fallback: () async throws(CoordinationError) -> T) async throws(CoordinationError) -> T {
        let now = clock.now()
        let tryPrimary = state.withLock { state -> Bool in
            guard state.down else { return true }
            guard !state.probing, now >= state.retryAt else { return false }
            state.probing = true
            return true
        }
        guard tryPrimary else { return try await fallback() }
        do {
            let result = try await primary()
            let recovered = state.withLock { state -> Bool in
                defer { state = State() }
                return state.down
            }
            if recovered { logger.warning("coordination: \(primaryLabel) is reachable again; using it") }
            return result
        } catch {
            let firstFailure = state.withLock { state -> Bool in
                let first = !state.down
                if first { state.backoff = 0.5 } else { state.backoff = min(30, state.backoff * 2) }
                state.down = true
                state.probing = false
                state.retryAt = clock.now() + state.backoff
                return first
            }
            if firstFailure {
                logger.warning("coordination: \(error); carrying on with \(fallbackLabel) and reconnecting in the "
                    + "background")
            } else {
                logger.debug("coordination: still unavailable (\(error)); next try in a while")
            }
            return try await fallback()
        }
    }
}
