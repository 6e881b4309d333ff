import Synchronization

/// Decides, per request and deterministically for a seed, whether to inject a fault.
///
/// Every request draws the same number of values from the generator, so the n-th request of a sequential client
/// meets the same fate on every run with the same `--seed`.
final class FaultInjector: Sendable {
    /// What happens to one request.
    enum Fault: Sendable, Hashable {
        /// Answer with this 5xx status instead of processing.
        case serverError(Int)
        /// Answer 429 instead of processing (part of a storm).
        case rateLimited
        /// Process, then answer after this many milliseconds.
        case latency(Int)
        /// Process, then close the connection without answering.
        case drop
    }

    /// How many requests a 429 storm refuses, counting the one that starts it.
    static let stormLength = 6

    let spec: FaultSpec
    private let state: Mutex<State>

    private struct State: Sendable {
        var generator: SeededGenerator
        var stormLeft = 0
    }

    /// An injector for `spec` seeded with `seed`.
    init(spec: FaultSpec, seed: UInt64) {
        self.spec = spec
        self.state = Mutex(State(generator: SeededGenerator(seed: seed)))
    }

    /// The fault for the next request, or nil to serve it normally.
    func next() -> Fault? {
        guard spec.isEnabled else { return nil }
        return state.withLock { state in
            let primary = state.generator.unit()
            let which = state.generator.next()
            let latency = state.generator.unit()
            let drop = state.generator.unit()
            if state.stormLeft > 0 {
                state.stormLeft -= 1
                return .rateLimited
            }
            if primary < spec.serverErrorRate { return .serverError([500, 502, 503][Int(which % 3)]) }
            if primary < spec.serverErrorRate + spec.rateLimitStormRate {
                state.stormLeft = Self.stormLength - 1
                return .rateLimited
            }
            if drop < spec.dropRate { return .drop }
            if latency < spec.latencyRate { return .latency(spec.latencyMilliseconds) }
            return nil
        }
    }
}
