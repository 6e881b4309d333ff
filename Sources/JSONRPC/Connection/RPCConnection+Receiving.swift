import JSONCore

extension RPCConnection {
    /// Pulls input, splits and parses frames off the actor, and hands each to ``receive(_:framing:inline:)``.
    @concurrent nonisolated func readLoop() async {
        let decoder = FrameDecoder(framing: configuration.framing, maxFrameBytes: configuration.maxFrameBytes)
        await read(input.chunks(), decoder: decoder)
    }

    /// What the reader does after handing over a read's frames.
    private enum AfterFrames {
        /// Read on.
        case readOn
        /// The connection no longer reads.
        case stop
        /// Serve this job here; another task reads on.
        case serve(Job, RPCRequestContext)
    }

    /// The reading loop, from `decoder`'s state on.
    ///
    /// A request that arrives alone (nothing running, nothing else read) is served by this task, on this thread, and
    /// this task reads on once its answer is written: a quick call then needs no thread hand-off at all (each was a
    /// wake-up of another thread, a third of a local call's latency). If the request takes longer than
    /// ``Configuration/inlinePatience``, ``InlineServeWatch`` has a new task read on from where this one stopped.
    @concurrent nonisolated private func read(_ chunks: AsyncStream<[UInt8]>, decoder start: FrameDecoder) async {
        var decoder = start
        var pending = chunks.makeAsyncIterator()
        while true {
            switch await deliverFrames(from: &decoder) {
            case .stop: return
            case .serve(let job, let context):
                await beginServing(job, position: InlineServe.Position(chunks: chunks, decoder: decoder))
                await execute(job, context: context)
                guard await endServing(job, readerCancelled: Task.isCancelled) else { return }
            case .readOn: break
            }
            guard let chunk = await pending.next() else { break }
            decoder.append(chunk)
        }
        guard !Task.isCancelled else { return }
        decoder.finish()
        guard case .readOn = await deliverFrames(from: &decoder, mayServe: false) else { return }
        await stop(.endOfInput)
    }

    /// The reader is about to serve `job` itself: the reader's task becomes the job's (so that cancelling the request
    /// cancels it) and the watch starts timing it.
    private func beginServing(_ job: Job, position: InlineServe.Position) {
        if let current = readerTask { _ = inFlight.attach(current, token: job.token) }
        inlineServe = InlineServe(token: job.token, position: position, handedOver: false)
        serveWatch.began(job.token)
    }

    /// The reader finished serving `job`; true when it reads on, false when another task does (or no one: stopped).
    private func endServing(_ job: Job, readerCancelled: Bool) -> Bool {
        serveWatch.ended(job.token)
        guard let serve = inlineServe, serve.token == job.token else { return false }
        inlineServe = nil
        guard !serve.handedOver, phase == .running else { return false }
        // A cancelled task cannot wait for input: a fresh one reads on.
        if readerCancelled {
            startReader(at: serve.position)
            return false
        }
        return true
    }

    /// The request the reader serves has run past its patience: a new task reads on from where the reader stopped.
    func handOverReading(_ token: UInt64) {
        guard var serve = inlineServe, serve.token == token, !serve.handedOver, phase == .running else { return }
        serve.handedOver = true
        inlineServe = serve
        startReader(at: serve.position)
    }

    /// Makes a new task the reader, reading on from `position`.
    private func startReader(at position: InlineServe.Position) {
        readerTask = Task { await self.read(position.chunks, decoder: position.decoder) }
    }

    /// Hands over every event the decoder has, and says what the reader does next; with `mayServe` (not at the end
    /// of input, where no task would read on), a lone request may be left for the reader to serve.
    @concurrent nonisolated private func deliverFrames(from decoder: inout FrameDecoder, mayServe: Bool = true) async
        -> AfterFrames
    {
        let parser = JSONParser()
        while let event = decoder.next() {
            // The last frame of a read may be served by the reader (nothing else waits for it to read on).
            let last = mayServe && !decoder.hasBufferedInput
            guard await receive(Incoming(event, parser: parser), framing: decoder.framing, inline: last) else {
                return .stop
            }
            if last, let (job, context) = await takeInlineJob() { return .serve(job, context) }
        }
        return .readOn
    }

    /// Handles one frame event; returns once the reader may read on (it waits while the request queue is full).
    /// With `inline`, a lone request is left for the reader to start (``takeInlineJob()``).
    func receive(_ incoming: Incoming, framing detected: Framing?, inline: Bool = false) async -> Bool {
        guard phase == .running else { return false }
        if let detected { framing = detected }
        switch incoming {
        case .value(let value, let bytes):
            await dispatch(value, bytes: bytes, inline: inline)
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
    private func dispatch(_ value: JSONValue, bytes: Int, inline: Bool) async {
        guard case .array(let elements) = value else {
            do {
                let message = try RPCMessage(json: value)
                logger.debug("<- \(message.logSummary) (\(bytes) bytes)")
                if let answer = await accept(message, slot: nil, inline: inline) { await transmit(answer) }
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
        await sendBatchIfComplete(batch)
    }

    /// Acts on one message; returns the answer when it is known at once (no handler to run).
    private func accept(_ message: RPCMessage, slot: BatchSlot?, inline: Bool = false) async -> RPCMessage? {
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
            enqueue(Job(token: newToken(), id: id, method: method, params: params, batchSlot: slot), inline: inline)
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
