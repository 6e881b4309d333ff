import DuvoAPI
import Foundation
import JSONCore

/// How a call of `duvo_wait_for_run` ended, as the structured result and the text a model reads, each with the
/// one next step (`next`).
struct WaitReport: Sendable {
    /// Why the run needs a person and was not (or not successfully) asked here.
    enum PersonReason: Sendable {
        /// The client cannot show forms.
        case noElicitation
        /// This server is read-only, so it does not answer requests.
        case readOnly
        /// The user declined to answer.
        case declined
        /// The user dismissed the form.
        case cancelled
        /// Asking or posting the answer failed; the text says how.
        case failed(String)
    }

    /// Why the call returned.
    enum Ending: Sendable {
        /// The run reached a terminal status.
        case finished
        /// The call's time ran out first.
        case timedOut
        /// The run waits for a person.
        case person(PersonReason)
        /// The run waits for a message, with no request to answer.
        case message
        /// The run waits for a person, and the (2026) client is to show them this form and call again.
        case askClient(HumanElicitation)
    }

    var runID: String
    var run: Run
    var pending: HumanRequest?
    var ending: Ending
    var waited: Double
    /// What the user answered through forms during this call, as sentences.
    var answered: [String]

    private var status: String { run.status.rawValue }

    /// The tool's result: `runs/wait`'s fields plus `finished`, `status`, `elapsed_s`, `waited_s` and `next`.
    var structured: JSONValue {
        var timedOut = false
        if case .timedOut = ending { timedOut = true }
        var finished = false
        if case .finished = ending { finished = true }
        return [
            "run": run.json, "pending_human_request": pending?.json ?? .null, "timed_out": .bool(timedOut),
            "finished": .bool(finished),
            "status": .string(status), "elapsed_s": Self.elapsed(run).map { .double(Self.tenths($0)) } ?? .null,
            "waited_s": .double(Self.tenths(waited)), "next": .string(next),
        ]
    }

    /// The text for the model.
    var summary: String {
        var text = "Run \(runID) is \(status)"
        let elapsed = Self.elapsed(run).map { "ran \(ToolSummary.seconds($0)), " } ?? ""
        text += " (\(elapsed)waited \(ToolSummary.seconds(waited)))."
        if case .person = ending { text += " It waits for a person: " + ToolSummary.describe(pending) + "." }
        return text + " " + next
    }

    /// The one thing to do now.
    var next: String {
        let prefix = answered.isEmpty ? "" : answered.joined(separator: " ") + " "
        return prefix + step
    }

    private var step: String {
        switch ending {
        case .finished:
            switch run.status {
            case .completed: return "The run completed: read its result with duvo_list_messages (tail: 5)."
            case .failed: return "The run failed: read why with duvo_list_messages (tail: 5)."
            case .interrupted:
                return "The run was interrupted: read why with duvo_list_messages (tail: 5); duvo_send_message "
                    + "resumes it."
            case .stopped: return "The run was stopped; it does nothing more."
            default: return "The run ended with status \(status)."
            }
        case .timedOut:
            return "Not finished yet: call duvo_wait_for_run again with run_id \(runID)."
        case .askClient:
            return "The user is being asked through the client; call duvo_wait_for_run again with their answer."
        case .message:
            return "The run waits for a message: send one with duvo_send_message, then call duvo_wait_for_run."
        case .person(let reason):
            let answer = ToolSummary.answerHint(pending, runID: runID) + " Then call duvo_wait_for_run again."
            switch reason {
            case .noElicitation: return answer
            case .readOnly:
                return "This server is read-only and cannot answer it: the request must be answered elsewhere (in "
                    + "Duvo, or by a server without --read-only); then call duvo_wait_for_run again."
            case .declined:
                return "The user declined to answer. Do not answer for them: ask how to proceed. "
                    + "duvo_respond_to_human_request answers the request, duvo_stop_run ends the run."
            case .cancelled:
                return "The user closed the form without answering. " + answer
            case .failed(let why):
                return "Asking the user directly did not work (\(why)). " + answer
            }
        }
    }

    /// Seconds since the run started: to its end when it has one, else to now (or to its last update, when that
    /// is later, as with a simulator whose clock runs fast); nil before it started.
    static func elapsed(_ run: Run) -> Double? {
        guard let started = date(run.startedAt) else { return nil }
        let end = date(run.completedAt) ?? max(Date(), date(run.updatedAt) ?? .distantPast)
        return max(0, end.timeIntervalSince(started))
    }

    private static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    private static func tenths(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
