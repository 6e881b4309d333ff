import Synchronization

/// The server's end of an in-memory pipe, for tests: what the paired ``InMemoryClient`` sends arrives here, and what
/// is written here reaches the client.
package final class InMemoryTransport: ByteInput, ByteOutput {
    private let inbound: AsyncStream<[UInt8]>
    private let inbox: FrameInbox
    private let handedOut = Atomic<Bool>(false)

    init(inbound: AsyncStream<[UInt8]>, inbox: FrameInbox) {
        self.inbound = inbound
        self.inbox = inbox
    }

    /// A connected server transport and client; the client decodes the server's output with `framing`.
    package static func pair(framing: Framing = .newlineDelimited)
        -> (server: InMemoryTransport, client: InMemoryClient)
    {
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let inbox = FrameInbox(framing: framing)
        return (
            InMemoryTransport(inbound: stream, inbox: inbox),
            InMemoryClient(framing: framing, input: continuation, inbox: inbox)
        )
    }

    /// The bytes the client sends; a second call gets an empty stream.
    package func chunks() -> AsyncStream<[UInt8]> {
        if handedOut.exchange(true, ordering: .acquiringAndReleasing) {
            return AsyncStream { $0.finish() }
        }
        return inbound
    }

    /// Hands bytes to the client.
    /// - Throws: ``TransportError/closed`` after ``InMemoryClient/closeOutput()``.
    package func write(_ bytes: [UInt8]) throws {
        try inbox.deliver(bytes)
    }
}
