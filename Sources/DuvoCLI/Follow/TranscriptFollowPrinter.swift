import JSONCore
import Synchronization

/// `--follow` for people: the transcript as messages arrive, a pending human request as a highlighted block with
/// the commands that answer it, and a live status line while waiting (on a terminal).
final class TranscriptFollowPrinter: FollowPrinter {
    private let runID: String
    private let invocation: Invocation
    private let live: LiveStatus
    private let progress = Mutex<(status: String, messages: Int)>(("starting", 0))

    /// A printer for run `runID`.
    init(runID: String, invocation: Invocation) {
        self.runID = runID
        self.invocation = invocation
        live = LiveStatus(console: invocation.console)
    }

    func message(index: Int, message: JSONValue) async {
        invocation.console.lines(invocation.transcript.lines(for: message))
        let text = progress.withLock { progress in
            progress.messages += 1
            return Self.describe(progress)
        }
        live.update(text)
    }

    func status(_ status: String, previous: String?, pendingHumanRequest: JSONValue) async {
        // Status changes show on the live status line; only a request for a human interrupts the transcript.
        if pendingHumanRequest.objectValue != nil {
            invocation.console.lines(invocation.humanRequests.lines(for: pendingHumanRequest, runID: runID))
        }
        let text = progress.withLock { progress in
            progress.status = status
            return Self.describe(progress)
        }
        live.update(text)
    }

    func finished(status: String) async {
        live.stop()
        invocation.console.line(invocation.runs.outcome(runID: runID, status: status))
    }

    func failed(status: String?, message: String) async {
        live.stop()
    }

    private static func describe(_ progress: (status: String, messages: Int)) -> String {
        let waiting = progress.status == "waiting" ? " for a human" : ""
        return "\(progress.status)\(waiting) · \(progress.messages) message\(progress.messages == 1 ? "" : "s")"
    }
}
