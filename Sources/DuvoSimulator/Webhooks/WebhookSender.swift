import Diagnostics
import Foundation
import JSONCore
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Delivers webhook events with real HTTP POSTs, off the request threads, retrying failures with back-off, through
/// the faulty network of `--webhook-faults` when one is set.
///
/// Events of one run are delivered in order (unless a fault reorders them); different runs do not wait for each
/// other. A delivery counts as failed on a connection error or a non-2xx status and is retried
/// ``retryDelays``.count times; a dropped event is never attempted.
final class WebhookSender: Sendable {
    /// Real seconds to wait before each retry.
    let retryDelays: [Double]
    private let continuation: AsyncStream<Input>.Continuation
    private let worker: Task<Void, Never>
    private let runsInFlight: RunCount

    /// How many runs have a delivery queued or going: it goes back to 0 when every delivery is done, however many runs
    /// the simulator has seen.
    var runsWithDeliveriesInFlight: Int { runsInFlight.value.withLock { $0 } }

    private enum Input: Sendable {
        case event(WebhookEvent)
        case release(run: String, generation: UInt64)
        /// The run's deliveries up to `tail` are done: forget the run unless a later one is queued.
        case delivered(run: String, tail: UInt64)
    }

    /// A sender whose background task starts at once; `plan` decides each event's faults.
    init(
        logger: Logger, retryDelays: [Double] = [0.5, 1, 2], attemptTimeout: Double = 10,
        plan: WebhookFaultPlan = WebhookFaultPlan(spec: WebhookFaultSpec(), seed: 0)
    ) {
        self.retryDelays = retryDelays
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        let session = URLSession(configuration: configuration)
        let (stream, continuation) = AsyncStream<Input>.makeStream()
        self.continuation = continuation
        let runsInFlight = RunCount()
        self.runsInFlight = runsInFlight
        let delivery = Delivery(session: session, retryDelays: retryDelays, attemptTimeout: attemptTimeout,
                                logger: logger)
        self.worker = Task {
            var dispatch = WebhookDispatch(plan: plan)
            // The last delivery of each run still going, which the run's next one waits for; and each hold's timer.
            var tails: [String: (number: UInt64, task: Task<Void, Never>)] = [:]
            var tailCount: UInt64 = 0
            var timers: [UInt64: Task<Void, Never>] = [:]
            func carryOut(_ actions: [WebhookDispatch.Action]) {
                for action in actions {
                    switch action {
                    case .deliver(let event, let fate):
                        let previous = tails[event.runID]?.task
                        tailCount += 1
                        let number = tailCount
                        tails[event.runID] = (number, Task {
                            await previous?.value
                            await delivery.send(event, fate: fate)
                            continuation.yield(.delivered(run: event.runID, tail: number))
                        })
                        runsInFlight.value.withLock { $0 = tails.count }
                    case .drop(let event):
                        logger.info("webhook \(delivery.describe(event)) dropped (--webhook-faults; never sent)")
                    case .hold(let event, let generation, let milliseconds):
                        logger.info(
                            "webhook \(delivery.describe(event)) held back until the run's next event "
                                + "(--webhook-faults reorder; at most \(milliseconds) ms)")
                        timers[generation] = Task {
                            do { try await Task.sleep(for: .milliseconds(milliseconds)) } catch { return }
                            continuation.yield(.release(run: event.runID, generation: generation))
                        }
                    }
                }
            }
            for await input in stream {
                switch input {
                case .event(let event): carryOut(dispatch.receive(event))
                case .release(let run, let generation):
                    timers[generation] = nil
                    carryOut(dispatch.release(run: run, generation: generation))
                case .delivered(let run, let tail):
                    if tails[run]?.number == tail { tails[run] = nil }
                    runsInFlight.value.withLock { $0 = tails.count }
                }
            }
            for timer in timers.values { timer.cancel() }
            carryOut(dispatch.releaseAll())
            for tail in tails.values { await tail.task.value }
            session.finishTasksAndInvalidate()
        }
    }

    /// Queues events for delivery; never blocks.
    func send(_ events: [WebhookEvent]) {
        for event in events { continuation.yield(.event(event)) }
    }

    /// Stops accepting events; deliveries in flight (and held ones) finish in the background.
    func shutdown() {
        continuation.finish()
    }
}

private final class RunCount: Sendable {
    let value = Mutex(0)
}

/// The POSTs of one event, with its fate's delay and duplicate.
private struct Delivery: Sendable {
    let session: URLSession
    let retryDelays: [Double]
    /// The longest one POST may take, its answer included (the session's own timeout is per read).
    let attemptTimeout: Double
    let logger: Logger

    /// How logs name an event: never the URL's path, which may hold a token.
    func describe(_ event: WebhookEvent) -> String {
        "\(event.event) for run \(event.runID) to \(event.redactedURL)"
    }

    func send(_ event: WebhookEvent, fate: WebhookFate) async {
        if fate.delayMilliseconds > 0 {
            logger.info("webhook \(describe(event)) delayed \(fate.delayMilliseconds) ms (--webhook-faults)")
            do { try await Task.sleep(for: .milliseconds(fate.delayMilliseconds)) } catch { return }
        }
        await post(event, copy: fate.duplicated ? " (copy 1 of 2)" : "")
        if fate.duplicated {
            logger.info("webhook \(describe(event)) duplicated (--webhook-faults): sending it again")
            await post(event, copy: " (copy 2 of 2)")
        }
    }

    private func post(_ event: WebhookEvent, copy: String) async {
        guard let url = URL(string: event.url) else { return }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("duvo-sim", forHTTPHeaderField: "User-Agent")
        request.httpBody = event.payload.data(sortedKeys: true)
        for attempt in 0...retryDelays.count {
            if attempt > 0 {
                do { try await Task.sleep(for: .milliseconds(Int(retryDelays[attempt - 1] * 1000))) } catch { return }
            }
            let outcome: String
            do {
                let status = try await exchange(request)
                if (200..<300).contains(status) {
                    logger.info("webhook \(describe(event)) delivered\(copy) (HTTP \(status))")
                    return
                }
                outcome = "HTTP \(status)"
            } catch {
                // Foundation's message may quote the URL; the log gets the redacted one.
                outcome = error.localizedDescription.replacingOccurrences(of: event.url, with: event.redactedURL)
            }
            logger.warning("webhook \(describe(event))\(copy) failed (attempt \(attempt + 1)): \(outcome)")
        }
        logger.warning("webhook \(describe(event))\(copy) given up after \(retryDelays.count + 1) attempts")
    }

    /// One POST: the answer's status, or an error once ``attemptTimeout`` passes first (the session's own timeout
    /// starts again with every byte, so a receiver trickling its answer would hold the run's deliveries forever).
    private func exchange(_ request: URLRequest) async throws -> Int {
        try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { [session] in
                let (_, response) = try await session.data(for: request)
                return (response as? HTTPURLResponse)?.statusCode ?? 0
            }
            group.addTask { [attemptTimeout] in
                try await Task.sleep(for: .milliseconds(Int(attemptTimeout * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let status = first else {
                throw URLError(.timedOut)
            }
            return status
        }
    }
}
