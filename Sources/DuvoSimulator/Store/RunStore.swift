import Foundation
import Platform

/// All runs of a simulator, shared by every connection thread behind one reader-writer lock.
///
/// A lock rather than an actor because HTTP handlers run synchronously on their connection's thread; a
/// reader-writer lock rather than `Mutex` because polls dominate (see ``ReadWriteLock``). Every
/// operation first advances the run to the simulated "now", so reads see exactly what a ticker would have produced;
/// webhook events are handed to `notify` before the lock is released, so they leave in the order they happened.
final class RunStore: Sendable {
    private struct Storage: Sendable {
        var runs: [String: RunRecord] = [:]
        var order: [String] = []
        /// Runs with an action still to come, which the ticker advances.
        var active: Set<String> = []
    }

    let clock: SimulatedClock
    private let storage = ReadWriteLock(Storage())
    private let notify: @Sendable ([WebhookEvent]) -> Void

    /// A store on `clock` that passes webhook events to `notify`, called under the lock: it must only queue them.
    init(clock: SimulatedClock, notify: @escaping @Sendable ([WebhookEvent]) -> Void) {
        self.clock = clock
        self.notify = notify
    }

    /// Creates a run of `agent` in `team`; it starts `pending`.
    func create(team: String, agent: Scenario, message: String?, sandboxID: String?, webhookURL: String?) -> RunRecord {
        let now = clock.now()
        let id = UUID().uuidString.lowercased()
        return mutate { storage, events in
            var execution = RunExecution(
                frames: [RunExecution.Frame(steps: agent.steps)],
                queue: [
                    .init(delay: RunRecord.pendingDelay, action: .status(.starting)),
                    .init(delay: RunRecord.startingDelay, action: .status(.running)),
                ],
                lastEventAt: now, onMessage: agent.onMessage)
            execution.dueAt = now + RunRecord.pendingDelay
            var run = RunRecord(
                id: id, team: team, agentID: agent.id, buildID: agent.buildID,
                sequence: storage.order.count, sandboxID: sandboxID, createdAt: now, updatedAt: now,
                humanInTheLoop: agent.humanInTheLoop, webhookURL: webhookURL, execution: execution)
            if let message, !message.isEmpty { _ = run.post(message, at: now) }
            storage.runs[id] = run
            storage.order.append(id)
            storage.active.insert(id)
            return run
        }
    }

    /// The run `id` as of now, when it belongs to one of `teams`.
    ///
    /// Reads are the hot path (clients poll), so a run with nothing due is copied out without being written back:
    /// the lock is held for a lookup only, which matters with many connection threads polling at once.
    func run(_ id: String, teams: [String]) -> RunRecord? {
        let now = clock.now()
        let lookup: Lookup = storage.read { storage in
            guard let run = storage.runs[id], teams.contains(run.team) else { return .missing }
            if let due = run.execution.dueAt, due <= now { return .due }
            return .current(run)
        }
        switch lookup {
        case .missing: return nil
        case .current(let run): return run
        case .due: return try? update(id, teams: teams) { run, _ in run }
        }
    }

    private enum Lookup {
        case missing
        case current(RunRecord)
        case due
    }

    /// Every run of `team` as of now, in creation order.
    func runs(team: String) -> [RunRecord] {
        let now = clock.now()
        return mutate { storage, events in
            var result: [RunRecord] = []
            for id in storage.order {
                guard var run = storage.runs[id], run.team == team else { continue }
                if storage.active.contains(id) {
                    run.advance(to: now, events: &events)
                    storage.runs[id] = run
                    if run.execution.dueAt == nil { storage.active.remove(id) }
                }
                result.append(run)
            }
            return result
        }
    }

    /// Advances every active run whose next action is due; the background ticker calls it.
    func tick() {
        let now = clock.now()
        mutate { storage, events in
            for id in storage.active {
                guard var run = storage.runs[id], let due = run.execution.dueAt, due <= now else { continue }
                run.advance(to: now, events: &events)
                storage.runs[id] = run
                if run.execution.dueAt == nil { storage.active.remove(id) }
            }
        }
    }

    /// Brings run `id` up to now, applies `body` to it, and keeps the result.
    /// - Throws: 404 ``APIError`` when the run does not exist or its team is not among `teams`; whatever `body`
    ///   throws (its changes are then discarded).
    func update<T: Sendable>(
        _ id: String, teams: [String],
        _ body: (inout RunRecord, Int64) throws(APIError) -> T
    ) throws(APIError) -> T {
        let now = clock.now()
        let result: Result<T, APIError> = mutate { storage, events in
            guard var run = storage.runs[id], teams.contains(run.team) else { return .failure(.runNotFound(id)) }
            run.advance(to: now, events: &events)
            let advanced = run
            let value: T
            do throws(APIError) {
                value = try body(&run, now)
            } catch {
                storage.runs[id] = advanced
                return .failure(error)
            }
            // The body may have scheduled new actions (a resume); perform any already due.
            run.advance(to: now, events: &events)
            storage.runs[id] = run
            if run.execution.dueAt == nil { storage.active.remove(id) } else { storage.active.insert(id) }
            return .success(value)
        }
        return try result.get()
    }

    /// Runs `body` under the lock and queues the webhook events it produced before another write can produce more:
    /// two writers of one run never hand their events over in the opposite order.
    private func mutate<T>(_ body: (inout Storage, inout [WebhookEvent]) -> T) -> T {
        storage.write { storage in
            var events: [WebhookEvent] = []
            let result = body(&storage, &events)
            if !events.isEmpty { notify(events) }
            return result
        }
    }
}
