extension RPCConnection {
    /// Answers or cancels what is in flight, runs the hooks and flushes; called by ``run()`` once stopped.
    func shutDown() async {
        let grace = configuration.shutdownGrace
        if !outputClosed { await waitUntilIdle(for: grace) }
        for job in backlog.removeAll() {
            if let id = job.id { await respond(to: job, with: .errorResponse(id: id, error: .cancelled)) }
        }
        inFlight.cancelAll()
        if !outputClosed { await waitUntilIdle(for: grace) }
        // A handler that ignores cancellation still owes its client an answer.
        for job in unanswered.all {
            if let id = job.id { await respond(to: job, with: .errorResponse(id: id, error: .cancelled)) }
        }
        for hook in shutdownHooks { await hook() }
        await writer.flush()
    }

    /// Waits until no job runs or waits, or until `grace` has passed.
    private func waitUntilIdle(for grace: Duration) async {
        guard !inFlight.isEmpty || !backlog.isEmpty else { return }
        idleGeneration += 1
        let generation = idleGeneration
        let timer = Task {
            do { try await Task.sleep(for: grace) } catch { return }
            self.idleWaitExpired(generation)
        }
        await withCheckedContinuation { idleWaiter = (generation, $0) }
        timer.cancel()
    }

    private func idleWaitExpired(_ generation: Int) {
        guard idleWaiter?.generation == generation else { return }
        resumeIdleWaiter()
    }

    func resumeIdleWaiter() {
        idleWaiter?.continuation.resume()
        idleWaiter = nil
    }
}
