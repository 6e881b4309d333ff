/// Where a connection's frames go: the real stdout in production, an in-memory pipe in tests.
public protocol ByteOutput: Sendable {
    /// Writes all of `bytes`, blocking until done.
    ///
    /// The connection calls this from one serial queue, never concurrently, and never from Swift's cooperative pool.
    /// - Throws: ``TransportError`` when the reader has gone away (a closed pipe) or the write failed.
    func write(_ bytes: [UInt8]) throws
}
