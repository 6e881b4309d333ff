import JSONCore

extension RPCConnection {
    /// Starts a job now if an in-flight slot is free, else queues it.
    func enqueue(_ job: Job) {
        unanswered.insert(job)
        if inFlight.count < configuration.maxInFlight, phase != .stopped {
            start(job)
        } else {
            backlog.append(job)
        }
    }

    /// Starts `job`'s task, which runs off the actor (`@concurrent`) and enters it again only to answer.
    private func start(_ job: Job) {
        let context = RPCRequestContext(
            id: job.id, method: job.method, connection: self, framing: framing, logger: logger)
        let task = Task { @concurrent [self] in await self.execute(job, context: context) }
        inFlight.insert(task, token: job.token, id: job.id)
    }

    /// Runs the handler off the actor, then reports back.
    @concurrent nonisolated func execute(_ job: Job, context: RPCRequestContext) async {
        var answer: RPCMessage?
        if let id = job.id {
            do {
                answer = .response(
                    id: id, result: try await router.handle(job.method, params: job.params, context: context))
            } catch {
                answer = .errorResponse(id: id, error: error)
            }
        } else {
            await router.deliver(notification: job.method, params: job.params, context: context)
        }
        await finish(job, answer: answer)
    }

    /// Writes a finished job's answer, then frees its slot (so a client that does not read its answers slows the
    /// server down rather than filling its memory).
    private func finish(_ job: Job, answer: RPCMessage?) async {
        if let answer { await respond(to: job, with: answer) }
        inFlight.remove(token: job.token)
        rebalance()
    }

    /// Sends a job's answer, unless it already has one (shutdown answers for handlers that ignore cancellation).
    func respond(to job: Job, with answer: RPCMessage) async {
        guard unanswered.remove(token: job.token) != nil else { return }
        guard let slot = job.batchSlot else {
            await transmit(answer)
            return
        }
        batches[slot.batch]?.complete(slot.index, with: answer)
        await sendBatchIfComplete(slot.batch)
    }

    /// Writes a batch's answer once no entry is outstanding; a batch of notifications only gets no answer at all.
    func sendBatchIfComplete(_ batch: UInt64) async {
        guard let collector = batches[batch], collector.isComplete else { return }
        batches[batch] = nil
        let messages = collector.messages
        guard !messages.isEmpty else { return }
        await transmit(payload: RPCMessage.encodedBatch(messages), summary: "batch answer of \(messages.count)")
    }

    /// Starts queued jobs into free slots, lets a parked reader go on, and wakes a shutdown waiting for idleness.
    func rebalance() {
        while inFlight.count < configuration.maxInFlight, phase != .stopped, let job = backlog.popFirst() {
            start(job)
        }
        if backlog.count < configuration.maxInFlight { resumeReader() }
        if inFlight.isEmpty, backlog.isEmpty { resumeIdleWaiter() }
    }

    /// Cancels the request with this id: a running one through its task, a queued one at once.
    ///
    /// With `answering` (LSP's `$/cancelRequest`), the request still gets an answer: -32800, or its result when it
    /// finished first. Without it (MCP's `notifications/cancelled`), nothing more is written for the request, as MCP's
    /// cancellation rules ask: the client has forgotten the id, and some clients fail on an answer to it.
    func cancelRequest(_ idValue: JSONValue?, answering: Bool) async {
        guard let idValue, let id = RPCRequestID(json: idValue) else {
            logger.debug("ignored a cancellation without a valid id")
            return
        }
        let named = unanswered.jobs(carrying: id)
        guard !named.isEmpty else {
            // Nothing owes an answer under this id (unknown, answered, or cancelled before): nothing to look through.
            logger.debug("cancellation of \(id): no such request in flight")
            return
        }
        if !answering {
            for job in named where !router.answeredWhenCancelled.contains(job.method) {
                await forgetAnswer(to: job)
            }
        }
        let running = inFlight.tasks(for: id)
        for task in running { task.cancel() }
        let queued = named.contains { !inFlight.isRunning($0.token) } ? backlog.remove(id: id) : []
        for job in queued { await respond(to: job, with: .errorResponse(id: id, error: .cancelled)) }
        if running.isEmpty, queued.isEmpty {
            logger.debug("cancellation of \(id): no such request in flight")
        } else {
            logger.debug("cancelled request \(id)\(answering ? "" : " (not answered)")")
        }
        if !queued.isEmpty { rebalance() }
    }

    /// Marks `job` as needing no answer: whatever it ends with is dropped, and a batch it belongs to no longer waits
    /// for it.
    private func forgetAnswer(to job: Job) async {
        guard unanswered.remove(token: job.token) != nil, let slot = job.batchSlot else { return }
        batches[slot.batch]?.forget(slot.index)
        await sendBatchIfComplete(slot.batch)
    }
}
