import DuvoAPI
import JSONCore
import JSONRPC
import RunWatching

/// Sends `notifications/progress` for one wait: at the start, when the status changes, and every few seconds, each
/// naming the status and the run's newest message.
///
/// Progress is the number of seconds waited, so it only grows, as the specification requires. The newest message is
/// read at most once per report, usually with one request, on the rate budget's background share.
actor WaitProgress {
    private let token: JSONValue
    private let runID: String
    private let connection: RPCConnection
    private let operations: RunOperations
    private let started: ContinuousClock.Instant
    private var status: String?
    private var newest: String?
    private var knownTotal = 0
    private var lastProgress = 0.0

    /// A reporter for the wait of `runID` that began at `started`, under the client's `token`.
    init(token: JSONValue, runID: String, connection: RPCConnection, operations: RunOperations,
         started: ContinuousClock.Instant) {
        self.token = token
        self.runID = runID
        self.connection = connection
        self.operations = operations
        self.started = started
    }

    /// Reports a status the wait saw, when it differs from the last one reported.
    func update(status: String) async {
        guard status != self.status else { return }
        self.status = status
        await send()
    }

    /// Reports every `interval` seconds, with the newest message, until the calling task is cancelled.
    func report(every interval: Double) async {
        while !Task.isCancelled {
            await refreshNewest()
            if Task.isCancelled { return }
            await send()
            try? await Task.sleep(for: .seconds(interval))
        }
    }

    private func refreshNewest() async {
        do {
            // The wait checks the id; a report for an id that is not one just goes without the newest message.
            let newest = try await operations.newestMessage(RunID(unchecked: runID), guess: knownTotal - 1,
                                                            priority: .background)
            knownTotal = newest.total
            if let message = newest.message {
                self.newest = MessageBudget.clip(MessageListTool.render(message), to: 160)
            }
        } catch {
            // A report without the newest message is still a report; the wait itself surfaces real failures.
        }
    }

    private func send() async {
        let waited = (ContinuousClock.now - started).seconds
        var progress = (waited * 100).rounded() / 100
        if progress <= lastProgress { progress = ((lastProgress + 0.01) * 100).rounded() / 100 }
        lastProgress = progress
        var message = "Run \(runID) is \(status ?? "being read")"
        if let newest { message += "; newest message: \(newest)" }
        await connection.notify("notifications/progress", params: [
            "progressToken": token, "progress": .double(progress), "message": .string(message),
        ])
    }
}
