import JSONCore

/// When a wait is satisfied.
public enum WaitCondition: String, Sendable {
    /// The run reached a terminal status.
    case terminal
    /// The run reached a terminal status or waits for a person.
    case attention

    /// Whether `status` satisfies the condition.
    public func isMet(by status: RunStatus) -> Bool {
        status.isTerminal || (self == .attention && status.needsAttention)
    }
}

/// What a wait saw last: the run, its pending request, and whether time ran out first.
public struct WaitOutcome: Sendable {
    /// The run as last read.
    public var run: JSONValue
    /// The pending human request as last read (null when none).
    public var pendingHumanRequest: JSONValue
    /// Whether the wait ended because its time ran out.
    public var timedOut: Bool

    /// The `runs/wait` result object.
    public var json: JSONValue {
        ["run": run, "pending_human_request": pendingHumanRequest, "timed_out": .bool(timedOut)]
    }
}

extension PollScheduler {
    /// Waits until `runID` meets `condition` or `timeout` seconds pass, sharing polls with any follows of the run.
    ///
    /// `onStatus` sees each status the wait observes (for progress reports).
    /// - Throws: ``DuvoAPIError`` when the run cannot be read; `.cancelled` when the caller's task is cancelled.
    public func wait(runID: String, until condition: WaitCondition, timeout: Double, client: DuvoClient,
                     onStatus: (@Sendable (String, JSONValue) async -> Void)? = nil)
        async throws(DuvoAPIError) -> WaitOutcome
    {
        let first = try await client.getRun(runID)
        var outcome = WaitOutcome(run: first["run"] ?? .null,
                                  pendingHumanRequest: first["pending_human_request"] ?? .null, timedOut: false)
        let firstStatus = RunStatus(rawValue: outcome.run["status"]?.stringValue ?? "")
        if condition.isMet(by: firstStatus) { return outcome }
        let subscription = subscribe(runID: runID, messages: false)
        let timer = Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1e9))
            if !Task.isCancelled { await self?.unsubscribe(subscription.id) }
        }
        defer { timer.cancel() }
        var failure: DuvoAPIError?
        var ended = false
        for await event in subscription.events {
            switch event {
            case .message:
                continue
            case .status(let status, _, let run, let pending):
                outcome.run = run
                outcome.pendingHumanRequest = pending
                await onStatus?(status, run)
                if condition.isMet(by: RunStatus(rawValue: status)) {
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
}
