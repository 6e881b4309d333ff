/// The webhook sender's pure core: applies each event's fate and keeps every run's held (reordered) event.
///
/// The driver (``WebhookSender``) carries out the actions: it sends deliveries of one run in the order given, and
/// after a hold's time calls ``release(run:generation:)``.
package struct WebhookDispatch: Sendable {
    /// What the driver does next.
    package enum Action: Sendable, Hashable {
        /// Send `event` after the run's earlier deliveries, as `fate` says (delay, duplicate).
        case deliver(WebhookEvent, WebhookFate)
        /// Do not send `event` at all.
        case drop(WebhookEvent)
        /// Keep `event` back; call ``release(run:generation:)`` with `generation` after `milliseconds`.
        case hold(WebhookEvent, generation: UInt64, milliseconds: Int)
    }

    private struct Held: Sendable {
        var event: WebhookEvent
        var fate: WebhookFate
        var generation: UInt64
    }

    private var plan: WebhookFaultPlan
    private var held: [String: Held] = [:]
    private var generation: UInt64 = 0

    package init(plan: WebhookFaultPlan) {
        self.plan = plan
    }

    /// The actions for a new event from the simulator.
    ///
    /// An event that finds an earlier one of its run held is sent first, then the held one: that is the reorder.
    /// It is never held itself, so every hold ends with its event overtaken, or with its time up.
    package mutating func receive(_ event: WebhookEvent) -> [Action] {
        var fate = plan.next()
        if fate.dropped { return [.drop(event)] }
        if let earlier = held.removeValue(forKey: event.runID) {
            fate.reordered = false
            return [.deliver(event, fate), .deliver(earlier.event, earlier.fate)]
        }
        guard fate.reordered else { return [.deliver(event, fate)] }
        generation += 1
        held[event.runID] = Held(event: event, fate: fate, generation: generation)
        return [.hold(event, generation: generation, milliseconds: plan.spec.reorderHoldMilliseconds)]
    }

    /// A hold's time is up: its event goes out unless a later event already released it.
    package mutating func release(run: String, generation: UInt64) -> [Action] {
        guard let entry = held[run], entry.generation == generation else { return [] }
        held[run] = nil
        return [.deliver(entry.event, entry.fate)]
    }

    /// Shutting down: every held event goes out now.
    package mutating func releaseAll() -> [Action] {
        defer { held.removeAll() }
        return held.values.sorted { $0.generation < $1.generation }.map { .deliver($0.event, $0.fate) }
    }
}
