/// Carries webhook hints from the receiver (`duvo webhooks`) to every process on the key: through the runtime
/// directory on one machine, through Redis pub/sub across machines.
///
/// Delivery is best effort by design: a hint is only a reason to read a run sooner, and the processes' safety-net
/// polling catches whatever is lost. So a slow or vanished subscriber loses hints and never holds up the publisher.
package protocol EventBus: Sendable {
    /// Hands `hint` to every current subscriber on the key.
    /// - Throws: ``CoordinationError`` when the directory or Redis cannot be used (no subscriber got the hint).
    func publish(_ hint: WebhookHint) async throws(CoordinationError)

    /// Starts receiving the hints published from now on; ``EventSubscription/cancel()`` (or dropping both streams)
    /// stops it and frees what it holds.
    /// - Throws: ``CoordinationError`` when this process cannot subscribe at all (the directory cannot be used);
    ///   a bus that may recover later (Redis) reports through ``EventSubscription/health`` instead.
    func subscribe() throws(CoordinationError) -> EventSubscription
}

/// Whether a subscription is receiving: a process that is told `.unavailable` cannot count on hints and polls as
/// if it had none.
package enum EventBusHealth: Sendable, Hashable {
    /// Subscribed: hints published from now on arrive (unless lost on the way).
    case receiving
    /// Not subscribed, for the reason given (never holding a password); the bus keeps trying.
    case unavailable(String)
}

/// One process's subscription: the hints, and the subscription's health as it changes.
package struct EventSubscription: Sendable {
    /// How many hints wait for a slow reader before the oldest are dropped.
    package static let bufferedHints = 1024

    /// The hints, in the order they arrived; finishes after ``cancel()``.
    package let hints: AsyncStream<WebhookHint>
    /// The health, each change once (the latest kept for a reader that lags); finishes after ``cancel()``.
    package let health: AsyncStream<EventBusHealth>
    private let stop: @Sendable () -> Void

    /// A subscription whose streams the bus feeds through `hints` and `health`; `stop` ends the bus's side.
    package init(hints: AsyncStream<WebhookHint>, health: AsyncStream<EventBusHealth>,
                 stop: @escaping @Sendable () -> Void) {
        self.hints = hints
        self.health = health
        self.stop = stop
    }

    /// Stops receiving; both streams finish. Calling it twice is harmless.
    package func cancel() { stop() }

    /// The two streams and their continuations, buffered as a subscription's are.
    static func makeStreams() -> (hints: AsyncStream<WebhookHint>, hintSink: AsyncStream<WebhookHint>.Continuation,
                                  health: AsyncStream<EventBusHealth>,
                                  healthSink: AsyncStream<EventBusHealth>.Continuation) {
        let (hints, hintSink) = AsyncStream.makeStream(of: WebhookHint.self,
                                                       bufferingPolicy: .bufferingNewest(bufferedHints))
        let (health, healthSink) = AsyncStream.makeStream(of: EventBusHealth.self, bufferingPolicy: .bufferingNewest(1))
        return (hints, hintSink, health, healthSink)
    }
}
