import DuvoAPI
import JSONCore

/// When a wait is satisfied.
package enum WaitCondition: String, Sendable {
    /// The run reached a terminal status.
    case terminal
    /// The run reached a terminal status or waits for a person.
    case attention

    /// Whether `status` satisfies the condition.
    package func isMet(by status: RunStatus) -> Bool {
        status.isTerminal || (self == .attention && status.needsAttention)
    }
}

/// What a wait saw last: the run, its pending request, and whether time ran out first.
package struct WaitOutcome: Sendable {
    /// The run as last read.
    package var run: Run
    /// The pending human request as last read (nil when none).
    package var pendingHumanRequest: HumanRequest?
    /// Whether the wait ended because its time ran out.
    package var timedOut: Bool

    /// The `runs/wait` result object.
    package var json: JSONValue {
        ["run": run.json, "pending_human_request": pendingHumanRequest?.json ?? .null, "timed_out": .bool(timedOut)]
    }
}

extension PollScheduler {
    /// Waits until `runID` meets `condition` or `timeout` seconds pass, sharing polls with any follows of the run.
    ///
    /// Trouble that passes (429, 5xx, no answer, a dropped connection) is retried with back-off until the time is
    /// up; only an answer that cannot change (404, 401, 403) ends the wait early. `onStatus` sees each status the
    /// wait observes (for progress reports).
    /// - Throws: ``DuvoAPIError`` when Duvo refuses to tell, or when the run could not be read at all before the time
    ///   ran out (the last failure); `.cancelled` when the caller's task is cancelled.
    package func wait(runID: String, until condition: WaitCondition, timeout: Double, client: DuvoClient,
                     onStatus: (@Sendable (RunStatus, Run) async -> Void)? = nil)
        async throws(DuvoAPIError) -> WaitOutcome
    {
        try await wait(runID: runID, until: condition, timeout: timeout, transport: client, onStatus: onStatus)
    }

    /// ``wait(runID:until:timeout:client:onStatus:)`` reading the run first through `transport`.
    package func wait(runID: String, until condition: WaitCondition, timeout: Double, transport: any PollTransport,
                     onStatus: (@Sendable (RunStatus, Run) async -> Void)? = nil)
        async throws(DuvoAPIError) -> WaitOutcome
    {
        let deadline = now() + max(0, timeout)
        let first = try await firstRead(runID, through: transport, deadline: deadline)
        var outcome = WaitOutcome(run: first.run, pendingHumanRequest: first.pendingHumanRequest, timedOut: false)
        if condition.isMet(by: first.run.status) { return outcome }
        let subscription = subscribe(runID: runID, messages: false, knownRun: outcome.run)
        let timer = Task { [weak self] in
            do {
                try await self?.sleep(seconds: deadline - (self?.now() ?? deadline))
                await self?.unsubscribe(subscription.id)
            } catch {
                return  // the wait ended first
            }
        }
        defer { timer.cancel() }
        var failure: DuvoAPIError?
        var ended = false
        for await event in subscription.events {
            switch event {
            case .message, .stalled, .recovered:
                continue
            case .status(let status, _, let run, let pending):
                outcome.run = run
                outcome.pendingHumanRequest = pending
                await onStatus?(status, run)
                if condition.isMet(by: status) {
                    unsubscribe(subscription.id)
                    return outcome
                }
            case .ended(_, let reason, let error):
                ended = true
                if reason == .unfollowed { outcome.timedOut = true }
                if reason == .shutdown { failure = .cancelled }
                failure = failure ?? error
            }
        }
        if !ended {
            // The stream stopped without an end event: the waiting task was cancelled.
            unsubscribe(subscription.id)
            throw .cancelled
        }
        if let failure { throw failure }
        return outcome
    }

    /// Reads the run, retrying trouble that passes with back-off until `deadline`.
    /// - Throws: an answer that cannot change at once; the last failure when the deadline passes.
    private func firstRead(_ runID: String, through transport: any PollTransport, deadline: Double)
        async throws(DuvoAPIError) -> RunRead
    {
        var failures = 0
        while true {
            do {
                return try await transport.getRun(runID, priority: .interactive)
            } catch {
                if PollCore.isFinal(error) || error == .cancelled { throw error }
                failures += 1
                let pause = min(30, Double(1 << min(failures, 5)) * 0.5)
                let left = deadline - now()
                if left <= 0 { throw error }
                do {
                    try await sleep(seconds: min(pause, left))
                } catch {
                    throw .cancelled
                }
            }
        }
    }
}
