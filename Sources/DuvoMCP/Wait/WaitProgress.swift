import DuvoAPI
import JSONCore
import JSONRPC

/// Sends `notifications/progress` for one wait: at the start, when the status changes, and every few seconds, each
/// naming the status and the run's newest message.
///
/// Progress is the number of seconds waited, so it only grows, as the specification requires. The newest message is
/// read at most once per report, usually with one request, on the rate budget's background share.
actor WaitProgress {
    private let token: JSONValue
    private let runID: String
    private let connection: RPCConnection
    private let client: DuvoClient
    private let started: ContinuousClock.Instant
    private var status: String?
    private var newest: String?
    private var knownTotal = 0
    private var lastProgress = 0.0

    /// A reporter for the wait of `runID` that began at `started`, under the client's `token`.
    init(token: JSONValue, runID: String, connection: RPCConnection, client: DuvoClient,
         started: ContinuousClock.Instant) {
        self.token = token
        self.runID = runID
        self.connection = connection
        self.client = client
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
            let guess = max(0, knownTotal - 1)
            var page = try await client.messages(runID, limit: 1, offset: guess, priority: .background)
            let total = page.total ?? 0
            if total - 1 > guess {
                page = try await client.messages(runID, limit: 1, offset: total - 1, priority: .background)
            }
            knownTotal = total
            if let message = page.messages.last {
                newest = MessageBudget.clip(MessageListTool.render(message.json), to: 160)
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
