import Synchronization

/// A subscription's events as its subscriber reads them, counting the ones handed over and not yet read, so the
/// scheduler can pause a subscription whose subscriber stopped reading (see ``PollTuning/maxUnreadEvents``).
package struct RunEvents: AsyncSequence, Sendable {
    package typealias Element = RunEvent

    let stream: AsyncStream<RunEvent>
    let unread: UnreadEvents

    package func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), unread: unread)
    }

    package struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<RunEvent>.Iterator
        let unread: UnreadEvents

        package mutating func next() async -> RunEvent? {
            guard let event = await base.next() else { return nil }
            unread.read()
            return event
        }
    }
}

/// How many events of one subscription were handed over and not yet read.
final class UnreadEvents: Sendable {
    private let unread = Atomic<Int>(0)

    var count: Int { unread.load(ordering: .relaxed) }

    /// One more was handed over. - Returns: how many are unread now.
    func handedOver() -> Int {
        unread.add(1, ordering: .relaxed).newValue
    }

    func read() {
        unread.subtract(1, ordering: .relaxed)
    }
}
