import DuvoAPI
import Synchronization

/// `--follow` for people: the transcript as messages arrive, a pending human request as a highlighted block with
/// the commands that answer it (or, on a terminal, a prompt that answers it there), and a live status line while
/// waiting (on a terminal).
final class TranscriptFollowPrinter: FollowPrinter {
    private let runID: String
    private let invocation: Invocation
    private let live: LiveStatus
    private let prompt: HumanRequestPrompt?
    private let progress = Mutex<(status: String, messages: Int)>(("starting", 0))
    private let asked = Mutex<Set<String>>([])

    /// A printer for run `runID`; with a `prompt`, pending requests are asked about on the terminal.
    init(runID: String, invocation: Invocation, prompt: HumanRequestPrompt?) {
        self.runID = runID
        self.invocation = invocation
        self.prompt = prompt
        live = LiveStatus(console: invocation.console)
    }

    func message(index: Int, message: Message) async {
        invocation.console.lines(invocation.transcript.lines(for: message))
        let text = progress.withLock { progress in
            progress.messages += 1
            return Self.describe(progress)
        }
        live.update(text)
    }

    func status(_ status: RunStatus, previous: RunStatus?, pendingHumanRequest: HumanRequest?) async {
        // Status changes show on the live status line; only a request for a human interrupts the transcript.
        if let pendingHumanRequest {
            let isNew = asked.withLock { $0.insert(pendingHumanRequest.id).inserted }
            if let prompt, isNew {
                invocation.console.lines(invocation.humanRequests.lines(for: pendingHumanRequest, runID: runID,
                                                                        withCommands: false))
                live.stop()
                _ = await prompt.ask(pendingHumanRequest, runID: runID)
            } else {
                invocation.console.lines(invocation.humanRequests.lines(for: pendingHumanRequest, runID: runID))
            }
        }
        let text = progress.withLock { progress in
            progress.status = status.rawValue
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
