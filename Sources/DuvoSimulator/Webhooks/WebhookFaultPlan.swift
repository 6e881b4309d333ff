/// What the faulty network does to one event, decided when the simulator hands it over.
package struct WebhookFate: Sendable, Hashable {
    /// Never sent.
    package var dropped = false
    /// Sent twice.
    package var duplicated = false
    /// Milliseconds to wait before the first attempt.
    package var delayMilliseconds = 0
    /// Held back until the run's next event has been sent.
    package var reordered = false

    package init(dropped: Bool = false, duplicated: Bool = false, delayMilliseconds: Int = 0, reordered: Bool = false) {
        self.dropped = dropped
        self.duplicated = duplicated
        self.delayMilliseconds = delayMilliseconds
        self.reordered = reordered
    }
}

/// Draws each event's fate from a seeded generator, so the same seed and the same sequence of events give the
/// same faults.
package struct WebhookFaultPlan: Sendable {
    package let spec: WebhookFaultSpec
    private var generator: SeededGenerator

    package init(spec: WebhookFaultSpec, seed: UInt64) {
        self.spec = spec
        self.generator = SeededGenerator(seed: seed)
    }

    /// The next event's fate. Every event draws the same number of values, so one kind's rate does not shift
    /// another kind's sequence; a dropped event has no other fault.
    package mutating func next() -> WebhookFate {
        let drop = generator.unit()
        let duplicate = generator.unit()
        let delay = generator.unit()
        let reorder = generator.unit()
        guard drop >= spec.dropRate else { return WebhookFate(dropped: true) }
        return WebhookFate(
            duplicated: duplicate < spec.duplicateRate,
            delayMilliseconds: delay < spec.delayRate ? spec.delayMilliseconds : 0,
            reordered: reorder < spec.reorderRate)
    }
}
