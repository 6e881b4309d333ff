import DuvoAPI
import JSONCore

/// `--follow --json`: one message object per line, then `{"final": true, "run_id": …, "status": …}`.
///
/// Each message line is the wire message plus `index` (its position in the run), `run_id`, and the docs' names
/// (`content`; `status` on human requests, looked up when one arrives, so a script can answer it at once).
struct JSONLinesFollowPrinter: FollowPrinter {
    let runID: String
    let console: Console
    let client: DuvoClient

    func message(index: Int, message: JSONValue) async {
        var pendingID: String?
        if DocsMessageFields.isHumanRequest(message) {
            // A failed look-up marks the request as responded: a script that auto-approves then skips it rather
            // than answering something that may no longer be pending.
            pendingID = (try? await client.getRun(runID))?.pendingHumanRequest?.id
        }
        var line = DocsMessageFields.adding(to: message, pendingRequestID: pendingID)
        line["index"] = .int(index)
        line["run_id"] = .string(runID)
        console.json(line)
    }

    func status(_ status: String, previous: String?, pendingHumanRequest: JSONValue) async {}

    func finished(status: String) async {
        console.json(["final": true, "run_id": .string(runID), "status": .string(status)])
    }

    func failed(status: String?, message: String) async {
        console.json(["final": true, "run_id": .string(runID), "status": .optional(status), "error": .string(message)])
    }
}
