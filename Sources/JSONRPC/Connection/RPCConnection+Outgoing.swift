import Diagnostics
import JSONCore

extension RPCConnection {
    /// Sends a notification to the client; dropped silently once the output is closed or the connection ended.
    public func notify(_ method: String, params: JSONValue? = nil) async {
        guard phase != .stopped else { return }
        await transmit(.notification(method: method, params: params))
    }

    /// Sends a request to the client (MCP's `elicitation/create`, `roots/list`, ...) and waits for its answer, for
    /// `timeout` at most.
    ///
    /// Ids are `"s1"`, `"s2"`, ... so they never collide with a client's own. When the time runs out, or the calling
    /// task is cancelled, the wait stops and the client is told with `withdrawal` (MCP's `notifications/cancelled`
    /// naming the request), if given.
    /// - Returns: The `result` of the client's response.
    /// - Throws: The client's error response as ``RPCError``; ``RPCError/connectionClosed`` when the connection ends
    ///   first; ``RPCRequestTimedOut`` when `timeout` passes first; `CancellationError` when the calling task is
    ///   cancelled.
    public func sendRequest(_ method: String, params: JSONValue? = nil, timeout: Duration,
                            withdrawal: (@Sendable (RPCRequestID) -> RPCMessage)? = nil) async throws -> JSONValue {
        guard phase == .running, !outputClosed else { throw RPCError.connectionClosed }
        try Task.checkCancellation()
        outgoingCount += 1
        let id = RPCRequestID.string("s\(outgoingCount)")
        let request = RPCMessage.request(id: id, method: method, params: params)
        let withdraw = { @Sendable (error: any Error) async in
            await self.withdrawOutgoing(id, failing: error, notice: withdrawal?(id))
        }
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            await withdraw(RPCRequestTimedOut(method: method, timeout: timeout))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outgoing[id] = continuation
                Task { await self.transmitOutgoing(request, id: id) }
            }
        } onCancel: {
            Task { await withdraw(CancellationError()) }
        }
    }

    /// Stops waiting for the client's answer to `id` (unless it came), telling the client first with `notice`, so
    /// the notice goes out before anything the caller writes next.
    private func withdrawOutgoing(_ id: RPCRequestID, failing error: any Error, notice: RPCMessage?) async {
        guard let continuation = outgoing.removeValue(forKey: id) else { return }
        if let notice { await transmit(notice) }
        continuation.resume(throwing: error)
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

    private func failOutgoing(_ id: RPCRequestID, with error: any Error) {
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

/// A request to the client that was not answered in its time (``RPCConnection/sendRequest(_:params:timeout:withdrawal:)``).
public struct RPCRequestTimedOut: Error, Sendable, CustomStringConvertible {
    public let method: String
    public let timeout: Duration

    public var description: String { "the client did not answer '\(method)' within \(timeout)" }
}
