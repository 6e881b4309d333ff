import Foundation
import JSONCore
import Synchronization

/// What the recovery of lost writes knows beyond one call: Duvo's clock as its `Date` headers showed it, the runs
/// and messages this process already gave as the effect of a call (so one is never the effect of two), and the
/// identical writes in flight together (so a lost one does not take the effect of another still waiting for its
/// answer).
final class WriteRecovery: Sendable {
    /// One answer's `Date` (whole seconds, rounded down, per RFC 9110) and the local wall-clock time it arrived.
    struct Observation: Sendable, Equatable {
        let serverDate: Double
        let receivedAt: Double
    }

    private struct State {
        var observations: [Observation] = []
        /// Ids answered, with the local time they were: kept while a call still in flight may find them.
        var answered: [String: Double] = [:]
        var pruneAt = WriteRecovery.minimumPruneCount
        /// The writes of each identity that overlap one still in flight; an identity's entry goes with its last.
        var writes: [String: [Write]] = [:]
        var sequence: UInt64 = 0
    }

    /// One write (a start or a message) of this process: when it began and ended, in the order of such events.
    private struct Write {
        let sequence: UInt64
        var ended: UInt64?
        var answered = false
    }

    /// A write in flight, for ``began(_:)``, ``hasRival(_:)`` and ``ended(_:answered:)``.
    struct Token: Sendable {
        let identity: String
        let sequence: UInt64
    }

    /// How many recent observations are kept: enough to find one from before any call still being recovered.
    static let keptObservations = 16
    static let minimumPruneCount = 1_024
    private let state = Mutex(State())
    /// How long an answered id can matter: the longest a call lasts, plus the search window before it.
    private let keepSeconds: Double

    /// Recovery state for calls that last at most `keepSeconds` (with the search window).
    init(keepSeconds: Double) {
        self.keepSeconds = keepSeconds
    }

    /// Notes a 2xx answer's `Date` (an error page may come from a front end with a clock of its own).
    func observe(serverDate: Double?, receivedAt: Double) {
        guard let serverDate else { return }
        state.withLock { state in
            state.observations.append(Observation(serverDate: serverDate, receivedAt: receivedAt))
            if state.observations.count > Self.keptObservations { state.observations.removeFirst() }
        }
    }

    /// The earliest time on Duvo's clock at which a call that began at local time `began` can have reached it, or
    /// nil when no answer carried a `Date`.
    ///
    /// An observation is a lower bound on Duvo's clock: at the local time `receivedAt` it read at least
    /// `serverDate`. Carried to `began` by the local time between them, it stays one whenever Duvo's clock runs at
    /// least as fast as ours for an observation from before the call (the simulator's runs faster), and when both
    /// run at one rate for one from after it; the latest from before the call is used, else the first after it.
    /// The bound is below the true time by the observation's round trip and up to 1 s of `Date` resolution.
    func earliestServerTime(at began: Double) -> Double? {
        state.withLock { state in
            let before = state.observations.last { $0.receivedAt <= began }
            guard let chosen = before ?? state.observations.first(where: { $0.receivedAt > began }) else { return nil }
            return began + chosen.serverDate - chosen.receivedAt
        }
    }

    /// Marks `id` (a run or a message) as the effect of a call this process answered; false when it already was.
    ///
    /// Ids older than any call still in flight are dropped now and then (when their count has doubled), so a
    /// process that writes for days keeps a bounded set.
    @discardableResult
    func noteAnswered(_ id: String, now: Double = Date().timeIntervalSince1970) -> Bool {
        state.withLock { state in
            guard state.answered.updateValue(now, forKey: id.lowercased()) == nil else { return false }
            if state.answered.count >= state.pruneAt {
                let cutoff = now - keepSeconds
                state.answered = state.answered.filter { $0.value >= cutoff }
                state.pruneAt = max(Self.minimumPruneCount, 2 * state.answered.count)
            }
            return true
        }
    }

    /// Notes that a write of `identity` (`start`, agent and message; `message`, run and text) is being sent.
    func began(_ identity: String) -> Token {
        state.withLock { state in
            state.sequence += 1
            state.writes[identity, default: []].append(Write(sequence: state.sequence))
            return Token(identity: identity, sequence: state.sequence)
        }
    }

    /// Notes that the write of `token` returned: `answered` when with its effect (sent normally or recovered).
    /// Once none of its identity is in flight, the ended ones can overlap no later write and are forgotten.
    func ended(_ token: Token, answered: Bool) {
        state.withLock { state in
            state.sequence += 1
            guard var writes = state.writes[token.identity],
                  let index = writes.firstIndex(where: { $0.sequence == token.sequence }) else { return }
            writes[index].ended = state.sequence
            writes[index].answered = answered
            state.writes[token.identity] = writes.contains { $0.ended == nil } ? writes : nil
        }
    }

    /// Whether another write of `token`'s identity, in flight at some moment since `token`'s began, has not been
    /// answered: the effect a lost write finds may then be that write's, so it cannot be told whose it is.
    func hasRival(_ token: Token) -> Bool {
        state.withLock { state in
            state.writes[token.identity, default: []].contains { write in
                write.sequence != token.sequence && !write.answered && (write.ended ?? .max) > token.sequence
            }
        }
    }

    /// Whether `id` was already given as the effect of a call.
    func wasAnswered(_ id: String) -> Bool {
        state.withLock { $0.answered[id.lowercased()] != nil }
    }

    /// How many answered ids are kept (for tests of the bound).
    var answeredCount: Int { state.withLock { $0.answered.count } }
}
