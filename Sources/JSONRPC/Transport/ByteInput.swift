/// Where a connection's bytes come from: stdin in production, an in-memory pipe in tests.
public protocol ByteInput: Sendable {
    /// The input as a stream of read batches; the stream finishes at end of input.
    ///
    /// - Important: Call it once per input; the consumer should pull steadily, since a transport may stop reading
    ///   (and so push back on the writer) while the stream is not pulled.
    func chunks() -> AsyncStream<[UInt8]>
}
