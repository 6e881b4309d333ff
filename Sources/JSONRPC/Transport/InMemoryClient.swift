import JSONCore

/// The client's end of an in-memory pipe, for tests: sends bytes or messages to the server and reads its frames.
package final class InMemoryClient: Sendable {
    /// The framing used by ``send(_:)`` and to split what the server writes.
    package let framing: Framing
    private let input: AsyncStream<[UInt8]>.Continuation
    private let inbox: FrameInbox

    init(framing: Framing, input: AsyncStream<[UInt8]>.Continuation, inbox: FrameInbox) {
        self.framing = framing
        self.input = input
        self.inbox = inbox
    }

    /// Sends raw bytes, exactly as given (no framing added).
    package func send(bytes: [UInt8]) {
        input.yield(bytes)
    }

    /// Sends raw text, exactly as given (no framing added).
    package func send(raw text: String) {
        input.yield(Array(text.utf8))
    }

    /// Sends a message in the client's framing.
    package func send(_ message: RPCMessage) {
        input.yield(framing.encode(message.encoded()))
    }

    /// Sends any JSON value (valid message or not) in the client's framing.
    package func send(json: JSONValue) {
        input.yield(framing.encode(JSONWriter().bytes(json)))
    }

    /// Ends the server's input, as a client closing stdin does.
    package func closeInput() {
        input.finish()
    }

    /// Closes the client's reading end: further writes by the server fail, as with EPIPE on a closed stdout.
    package func closeOutput() {
        inbox.close()
    }

    /// The next frame the server wrote; `nil` after ``closeOutput()`` or when the calling task is cancelled.
    ///
    /// - Important: Waits as long as it takes; tests should bound the wait themselves.
    package func nextFrame() async -> [UInt8]? {
        await inbox.next()
    }

    /// The next frame parsed as JSON; `nil` as for ``nextFrame()``.
    /// - Throws: ``JSONParseError`` when the server wrote a frame that is not JSON.
    package func nextJSON() async throws -> JSONValue? {
        guard let frame = await nextFrame() else { return nil }
        return try JSONParser().parse(frame)
    }

    /// Every byte the server wrote so far, framing included.
    package var receivedBytes: [UInt8] { inbox.rawBytes }
}
