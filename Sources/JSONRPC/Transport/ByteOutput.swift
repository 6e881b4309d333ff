/// Where a connection's frames go: the real stdout in production, an in-memory pipe in tests.
public protocol ByteOutput: Sendable {
    /// Writes all of `bytes`, blocking until done.
    ///
    /// The connection never calls this concurrently, and from Swift's cooperative pool only when
    /// ``canWriteWithoutBlocking(_:)`` said the write would not block.
    /// - Throws: ``TransportError`` when the reader has gone away (a closed pipe) or the write failed.
    func write(_ bytes: [UInt8]) throws

    /// Whether `count` bytes can be written at once without waiting for the reader (so the write may happen on the
    /// caller's thread instead of a hand-off to the writer queue). False when unsure.
    func canWriteWithoutBlocking(_ count: Int) -> Bool
}

extension ByteOutput {
    /// By default every write goes through the writer queue.
    public func canWriteWithoutBlocking(_ count: Int) -> Bool { false }
}
