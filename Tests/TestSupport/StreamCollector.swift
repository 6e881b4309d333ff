import Foundation

/// Collects what an `AsyncStream` yields in the background, so a test can wait for some elements with a deadline,
/// or check that none came, without cancelling (and so finishing) the stream.
public final class StreamCollector<Element: Sendable>: Sendable {
    private let elements = Locked<[Element]>([])
    private let task: Task<Void, Never>

    /// Starts collecting `stream`.
    public init(_ stream: AsyncStream<Element>) {
        let elements = self.elements
        task = Task {
            for await element in stream { elements.withLock { $0.append(element) } }
        }
    }

    deinit { task.cancel() }

    /// What arrived so far.
    public var collected: [Element] { elements.withLock { $0 } }

    /// Waits until at least `count` elements arrived, or `seconds` passed.
    /// - Returns: what arrived by then.
    @discardableResult
    public func wait(for count: Int, within seconds: Double = 30) async -> [Element] {
        let deadline = Date().addingTimeInterval(seconds)
        while elements.withLock({ $0.count }) < count, Date() < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return collected
    }
}
