import JSONCore

extension RPCConnection {
    /// The reading task: pulls input, splits and parses frames off the actor, and hands each to
    /// ``receive(_:framing:)``, which starts a task for each request.
    @concurrent nonisolated func readLoop() async {
        var decoder = FrameDecoder(framing: configuration.framing, maxFrameBytes: configuration.maxFrameBytes)
        let parser = JSONParser()
        for await chunk in input.chunks() {
            decoder.append(chunk)
            guard await deliverFrames(from: &decoder, parser: parser) else { return }
        }
        guard !Task.isCancelled else { return }
        decoder.finish()
        guard await deliverFrames(from: &decoder, parser: parser) else { return }
        await stop(.endOfInput)
    }

    /// Hands over every event the decoder has; false once the connection reads no more.
    @concurrent nonisolated private func deliverFrames(from decoder: inout FrameDecoder, parser: JSONParser) async
        -> Bool
    {
        while let event = decoder.next() {
            guard await receive(Incoming(event, parser: parser), framing: decoder.framing) else { return false }
        }
        return true
    }

    /// Handles one frame event; returns once the reader may read on (it waits while the request queue is full).
    func receive(_ incoming: Incoming, framing detected: Framing?) async -> Bool {
        guard phase == .running else { return false }
        if let detected { framing = detected }
        switch incoming {
        case .value(let value, let bytes):
            await dispatch(value, bytes: bytes)
        case .unparsable(let error, let bytes):
            logger.warning("a frame of \(bytes) bytes is not JSON: \(error)")
            await transmit(.errorResponse(id: .null, error: .parseError(error.description)))
        case .oversized(let bytes):
            let limit = configuration.maxFrameBytes
            logger.warning("skipped a frame of \(bytes) bytes (limit \(limit))")
            let error = RPCError(
                code: .invalidRequest,
                message: "Invalid Request: a frame of \(bytes) bytes exceeds the limit of \(limit)",
                data: ["size": .int(bytes), "limit": .int(limit)])
            await transmit(.errorResponse(id: .null, error: error))
        case .malformedHeader(let reason):
            logger.warning("malformed frame header: \(reason)")
            await transmit(.errorResponse(id: .null, error: .parseError("malformed header: \(reason)")))
        case .truncated(let bytes):
            logger.warning("input ended inside a frame, after \(bytes) bytes of it")
            await transmit(.errorResponse(id: .null, error: .parseError("input ended inside a frame")))
        }
        while phase == .running, backlog.count >= configuration.maxInFlight {
            await withCheckedContinuation { readerWaiter = $0 }
        }
        return phase == .running
    }

    func resumeReader() {
        readerWaiter?.resume()
        readerWaiter = nil
    }

    /// Classifies a parsed frame (a message or a batch) and acts on it.
    private func dispatch(_ value: JSONValue, bytes: Int) async {
        guard case .array(let elements) = value else {
            do {
                let message = try RPCMessage(json: value)
                logger.debug("<- \(message.logSummary) (\(bytes) bytes)")
                if let answer = await accept(message, slot: nil) { await transmit(answer) }
            } catch {
                await reject(error, inBatch: nil)
            }
            return
        }
        logger.debug("<- batch of \(elements.count) (\(bytes) bytes)")
        guard !elements.isEmpty else {
            logger.warning("received an empty batch")
            await transmit(.errorResponse(id: .null, error: .invalidRequest("an empty batch")))
            return
        }
        let limit = configuration.maxBatchEntries
        guard elements.count <= limit else {
            logger.warning("refused a batch of \(elements.count) entries (limit \(limit))")
            let error = RPCError(
                code: .invalidRequest,
                message: "Invalid Request: a batch of \(elements.count) entries exceeds the limit of \(limit)",
                data: ["size": .int(elements.count), "limit": .int(limit)])
            await transmit(.errorResponse(id: .null, error: error))
            return
        }
        let batch = newToken()
        batches[batch] = BatchCollector(size: elements.count)
        for (index, element) in elements.enumerated() {
            let slot = BatchSlot(batch: batch, index: index)
            do {
                let message = try RPCMessage(json: element)
                if let answer = await accept(message, slot: slot) { batches[batch]?.fill(index, with: answer) }
            } catch {
                await reject(error, inBatch: slot)
            }
        }
        batches[batch]?.seal()
        await sendBatchIfComplete(batch)
    }

    /// Acts on one message; returns the answer when it is known at once (no handler to run).
    private func accept(_ message: RPCMessage, slot: BatchSlot?) async -> RPCMessage? {
        switch message {
        case .request(let id, let method, let params):
            if method == "shutdown", !router.handlesRequest(method) {
                receivedShutdownRequest = true
                return .response(id: id, result: .null)
            }
            if receivedShutdownRequest {
                return .errorResponse(id: id, error: .invalidRequest("the server is shutting down"))
            }
            if let slot { batches[slot.batch]?.expectAnswer() }
            enqueue(Job(token: newToken(), id: id, method: method, params: params, batchSlot: slot))
        case .notification(let method, let params):
            switch method {
            case "$/cancelRequest":
                await cancelRequest(params?["id"], answering: true)
            case "notifications/cancelled":
                await cancelRequest(params?["requestId"], answering: false)
            case "exit" where !router.handlesNotification(method):
                stop(.exit(afterShutdownRequest: receivedShutdownRequest))
            default:
                if router.handlesNotification(method) {
                    enqueue(Job(token: newToken(), id: nil, method: method, params: params, batchSlot: nil))
                } else {
                    logger.debug("ignored notification '\(method)': no handler")
                }
            }
        case .response(let id, let result):
            resolveOutgoing(id, with: .success(result))
        case .errorResponse(let id, let error):
            resolveOutgoing(id, with: .failure(error))
        }
        return nil
    }

    /// Answers an invalid request with its -32600; an invalid response is never answered, but fails its caller.
    private func reject(_ invalid: RPCInvalidMessage, inBatch slot: BatchSlot?) async {
        logger.warning("\(invalid.isResponse ? "malformed response" : "invalid request"): \(invalid.error.message)")
        if invalid.isResponse {
            if outgoing[invalid.id] != nil { resolveOutgoing(invalid.id, with: .failure(invalid.error)) }
            return
        }
        let answer = RPCMessage.errorResponse(id: invalid.id, error: invalid.error)
        if let slot {
            batches[slot.batch]?.fill(slot.index, with: answer)
        } else {
            await transmit(answer)
        }
    }
}
