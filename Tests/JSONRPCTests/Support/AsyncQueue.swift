import Synchronization

/// A first-in, first-out queue whose reader waits for the next element; for handlers to report to a test.
final class AsyncQueue<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var waiter: CheckedContinuation<Element, Never>?
    }

    private let state = Mutex(State())

    func push(_ item: Element) {
        let waiter = state.withLock { state -> CheckedContinuation<Element, Never>? in
            guard let waiter = state.waiter else {
                state.items.append(item)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: item)
    }

    /// The next element, waiting at most `seconds`; `nil` when none came in time.
    func next(within seconds: Double = 30) async -> Element? {
        await withDeadline(seconds) { await self.take() }
    }

    private func take() async -> Element {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Element? in
                if !state.items.isEmpty { return state.items.removeFirst() }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// What is queued now, without waiting.
    var pending: [Element] {
        state.withLock { $0.items }
    }
}
