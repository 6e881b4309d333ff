import Diagnostics
import Synchronization
import Time

/// Publishes accepted webhook events on the bus, throttled per run (``HintThrottle``), off the request's path: the
/// receiver answers Duvo at once and hands the hint here.
///
/// Hints wait in a bounded queue: when the bus is slower than the events (a flood), the newest wait and older ones
/// are dropped, which the processes' safety-net polling covers.
package final class WebhookPublisher: Sendable {
    /// How many hints may wait for the bus.
    package static let queueLimit = 4096

    private let queue: AsyncStream<WebhookHint>.Continuation
    private let worker: Task<Void, Never>

    /// A publisher onto `bus`, timing its throttle with `clock`; logs what it publishes at `info`.
    package init(bus: any EventBus, clock: any TimeSource = SystemTimeSource(), window: Double = 0.25,
                 logger: Logger) {
        let (hints, queue) = AsyncStream.makeStream(of: WebhookHint.self,
                                                    bufferingPolicy: .bufferingNewest(Self.queueLimit))
        self.queue = queue
        worker = Task {
            await Self.drive(hints, bus: bus, clock: clock, throttle: HintThrottle(window: window), logger: logger)
        }
    }

    /// Queues `hint` for publishing; returns at once.
    package func submit(_ hint: WebhookHint) {
        queue.yield(hint)
    }

    /// Publishes what is queued and held (held hints when their window ends), then returns.
    package func finish() async {
        queue.finish()
        await worker.value
    }

    private static func drive(_ hints: AsyncStream<WebhookHint>, bus: any EventBus, clock: any TimeSource,
                              throttle: HintThrottle, logger: Logger) async {
        let window = throttle.window
        let outage = Outage()
        // Held hints go out from a second task woken by the clock; both share the throttle through this actor.
        let state = ThrottleState(throttle)
        let flusher = Task {
            while !Task.isCancelled {
                let wait = await state.nextDue().map { max(0, $0 - clock.now()) } ?? window
                do {
                    try await clock.sleep(seconds: min(wait, window))
                } catch {
                    break
                }
                for hint in await state.due(now: clock.now()) { await publish(hint, on: bus, outage: outage, logger: logger) }
            }
        }
        for await hint in hints {
            switch await state.offer(hint, now: clock.now()) {
            case .publish: await publish(hint, on: bus, outage: outage, logger: logger)
            case .held: logger.debug("held \(hint.event) for run \(hint.runID) (another came within the window)")
            case .dropped: logger.warning("dropped \(hint.event) for run \(hint.runID): too many runs at once")
            }
        }
        flusher.cancel()
        _ = await flusher.value
        // What is still held goes out now: the receiver is stopping.
        for hint in await state.due(now: .infinity) { await publish(hint, on: bus, outage: outage, logger: logger) }
    }

    private static func publish(_ hint: WebhookHint, on bus: any EventBus, outage: Outage, logger: Logger) async {
        do {
            try await bus.publish(hint)
            if outage.end() { logger.warning("publishing again") }
            logger.info("published \(hint.event) for run \(hint.runID) (status \(hint.status))")
        } catch {
            // Once per outage, not once per event: a flood during an outage would bury everything else.
            if outage.begin() {
                logger.warning("cannot publish events (\(error)); the processes on the key poll as before until "
                    + "this passes")
            }
            logger.debug("not published: \(hint.event) for run \(hint.runID)")
        }
    }
}

/// Whether publishing is failing, so that an outage is reported once when it begins and once when it ends.
private final class Outage: Sendable {
    private let failing = Mutex(false)

    /// Notes a failure; true when it begins an outage.
    func begin() -> Bool {
        failing.withLock { state in
            defer { state = true }
            return !state
        }
    }

    /// Notes a success; true when it ends an outage.
    func end() -> Bool {
        failing.withLock { state in
            defer { state = false }
            return state
        }
    }
}

/// The throttle, shared by the publisher's two tasks.
private actor ThrottleState {
    private var throttle: HintThrottle

    init(_ throttle: HintThrottle) { self.throttle = throttle }

    func offer(_ hint: WebhookHint, now: Double) -> HintThrottle.Decision { throttle.offer(hint, now: now) }
    func due(now: Double) -> [WebhookHint] { throttle.due(now: now) }
    func nextDue() -> Double? { throttle.nextDue }
}
