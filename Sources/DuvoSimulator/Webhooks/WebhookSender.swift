import Diagnostics
import Foundation
import JSONCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Delivers webhook events with real HTTP POSTs, off the request threads, retrying failures with back-off.
///
/// Events of one run are delivered in order; different runs do not wait for each other. A delivery counts as
/// failed on a connection error or a non-2xx status and is retried ``retryDelays``.count times.
final class WebhookSender: Sendable {
    /// Real seconds to wait before each retry.
    let retryDelays: [Double]
    private let logger: Logger
    private let session: URLSession
    private let continuation: AsyncStream<WebhookEvent>.Continuation
    private let worker: Task<Void, Never>

    /// A sender whose background task starts at once.
    init(logger: Logger, retryDelays: [Double] = [0.5, 1, 2]) {
        self.logger = logger
        self.retryDelays = retryDelays
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        let session = URLSession(configuration: configuration)
        self.session = session
        let (stream, continuation) = AsyncStream<WebhookEvent>.makeStream()
        self.continuation = continuation
        self.worker = Task {
            var tails: [String: Task<Void, Never>] = [:]
            for await event in stream {
                let previous = tails[event.runID]
                tails[event.runID] = Task {
                    await previous?.value
                    await Self.deliver(event, session: session, retryDelays: retryDelays, logger: logger)
                }
            }
            for tail in tails.values { await tail.value }
            session.finishTasksAndInvalidate()
        }
    }

    /// Queues events for delivery; never blocks.
    func send(_ events: [WebhookEvent]) {
        for event in events { continuation.yield(event) }
    }

    /// Stops accepting events; deliveries in flight finish in the background.
    func shutdown() {
        continuation.finish()
    }

    private static func deliver(_ event: WebhookEvent, session: URLSession, retryDelays: [Double], logger: Logger) async
    {
        guard let url = URL(string: event.url) else { return }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("duvo-sim", forHTTPHeaderField: "User-Agent")
        request.httpBody = event.payload.data(sortedKeys: true)
        for attempt in 0...retryDelays.count {
            if attempt > 0 {
                try? await Task.sleep(for: .milliseconds(Int(retryDelays[attempt - 1] * 1000)))
            }
            let outcome: String
            do {
                let (_, response) = try await session.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) {
                    logger.debug("webhook \(event.event) for run \(event.runID) delivered (HTTP \(status))")
                    return
                }
                outcome = "HTTP \(status)"
            } catch {
                outcome = error.localizedDescription
            }
            logger.warning(
                "webhook \(event.event) for run \(event.runID) to \(event.url) "
                    + "failed (attempt \(attempt + 1)): \(outcome)"
            )
        }
        logger.warning("webhook \(event.event) for run \(event.runID) given up after \(retryDelays.count + 1) attempts")
    }
}
