import DuvoAPI
import JSONCore
import RunWatching

/// `--follow --json`: one message object per line, then `{"final": true, "run_id": …, "status": …}`.
///
/// Each message line is the wire message plus `index` (its position in the run), `run_id`, and the docs' names
/// (`content`; `status` on human requests, looked up when one arrives, so a script can answer it at once).
struct JSONLinesFollowPrinter: FollowPrinter {
    let runID: String
    let console: Console
    let operations: RunOperations

    func message(index: Int, message: Message) async {
        var pendingID: String?
        if message.isHumanRequest {
            // A failed look-up marks the request as responded: a script that auto-approves then skips it rather
            // than answering something that may no longer be pending.
            do {
                pendingID = try await operations.get(RunID(unchecked: runID)).pendingHumanRequest?.id
            } catch {
                pendingID = nil
            }
        }
        var line = DocsMessageFields.adding(to: message, pendingRequestID: pendingID).objectValue ?? [:]
        line.merge(["index": .int(index), "run_id": .string(runID)]) { $1 }
        console.json(.object(line))
    }

    func status(_ status: RunStatus, previous: RunStatus?, pendingHumanRequest: HumanRequest?) async {}

    func finished(status: String) async {
        console.json(["final": true, "run_id": .string(runID), "status": .string(status)])
    }

    func failed(status: String?, message: String) async {
        console.json(["final": true, "run_id": .string(runID), "status": .optional(status), "error": .string(message)])
    }
}
