import Diagnostics
import JSONCore

extension RPCConnection {
    /// Sends a notification to the client; dropped silently once the output is closed or the connection ended.
    public func notify(_ method: String, params: JSONValue? = nil) async {
        guard phase != .stopped else { return }
        await transmit(.notification(method: method, params: params))
    }

    /// Sends a request to the client (MCP's `elicitation/create`, `roots/list`, ...) and waits for its answer.
    ///
    /// Ids are `"s1"`, `"s2"`, ... so they never collide with a client's own. Cancelling the calling task stops the
    /// wait (with `CancellationError`); telling the client, e.g. with `notifications/cancelled`, is up to the caller.
    /// - Returns: The `result` of the client's response.
    /// - Throws: The client's error response as ``RPCError``; ``RPCError/connectionClosed`` when the connection ends
    ///   first; `CancellationError` when the calling task is cancelled.
    public func sendRequest(_ method: String, params: JSONValue? = nil) async throws -> JSONValue {
        guard phase == .running, !outputClosed else { throw RPCError.connectionClosed }
        try Task.checkCancellation()
        outgoingCount += 1
        let id = RPCRequestID.string("s\(outgoingCount)")
        let request = RPCMessage.request(id: id, method: method, params: params)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outgoing[id] = continuation
                Task { await self.transmitOutgoing(request, id: id) }
            }
        } onCancel: {
            Task { await self.failOutgoing(id, with: CancellationError()) }
        }
    }

    private func transmitOutgoing(_ request: RPCMessage, id: RPCRequestID) async {
        await transmit(request)
        if outputClosed { failOutgoing(id, with: RPCError.connectionClosed) }
    }

    /// Hands a client's response to the ``sendRequest(_:params:)`` waiting for it.
    func resolveOutgoing(_ id: RPCRequestID, with result: Result<JSONValue, RPCError>) {
        guard let continuation = outgoing.removeValue(forKey: id) else {
            logger.warning("ignored a response to \(id): no request of ours has that id")
            return
        }
        continuation.resume(with: result.mapError { $0 as any Error })
    }

    func failOutgoing(_ id: RPCRequestID, with error: any Error) {
        outgoing.removeValue(forKey: id)?.resume(throwing: error)
    }

    /// Once input stops, no response can arrive: every waiting caller gets ``RPCError/connectionClosed``.
    func failAllOutgoing() {
        let waiting = outgoing
        outgoing = [:]
        for continuation in waiting.values { continuation.resume(throwing: RPCError.connectionClosed) }
    }

    /// Writes one message in the client's framing.
    func transmit(_ message: RPCMessage) async {
        await transmit(payload: message.encoded(), summary: message.logSummary)
    }

    /// Writes one payload in the client's framing; a failed write means the client stopped reading: stop quietly.
    func transmit(payload: [UInt8], summary: @autoclosure () -> String) async {
        guard !outputClosed else { return }
        logger.debug("-> \(summary()) (\(payload.count) bytes)")
        // Results and errors carry Duvo's text, decoded since it arrived: the frame is checked in its final form.
        let payload = SecretRedactor.redact(bytes: payload) ?? payload
        if await !writer.write(framing.encode(payload)) {
            outputDidClose()
        }
    }

    private func outputDidClose() {
        guard !outputClosed else { return }
        outputClosed = true
        logger.debug("the client closed its end of the output; stopping")
        if phase == .running {
            stop(.outputClosed)
        } else {
            resumeIdleWaiter()
        }
    }
}
