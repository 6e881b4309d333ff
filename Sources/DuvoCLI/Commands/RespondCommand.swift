import ArgumentKit
import DuvoAPI
import JSONCore

/// `duvo runs respond RUN (--approve | --deny | --answer QID=TEXT ...)`: answers the run's pending human request.
enum RespondCommand: RunsSubcommand {
    static let spec = Command(
        "respond", abstract: "Answer a run's pending human request (approve, deny, or answer its questions)",
        discussion: """
            Answers the request the run is waiting on (see 'duvo runs get RUN' or 'duvo runs messages RUN').
            Approval requests take --approve or --deny; question requests take one --answer per question, where
            QID is the question's header, its text or its 0-based index:
              duvo runs respond "$RUN_ID" --answer "City=Lisbon" --answer "Days=Monday" --answer "Days=Friday"
            Repeat --answer for the same question to pick several options of a multi-select question.
            """,
        options: [
            .flag("approve", help: "Approve the pending approval request."),
            .flag("deny", help: "Deny the pending approval request."),
            .value("answer", valueName: "QID=TEXT", help: "Answer one question (QID: header, text or index).",
                   repeatable: true),
            .value("request", valueName: "ID", help: "Only answer if this is the pending request's id."),
        ],
        positionals: [CommonOptions.run])

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        let parsed = invocation.parsed
        let path = parsed.commandPath
        let approve = parsed.flag("approve"), deny = parsed.flag("deny")
        let answerValues = parsed.values("answer")
        try parsed.exclusive("approve", "deny") { parsed.flag($0) }
        if (approve || deny) && !answerValues.isEmpty {
            throw UsageError("--approve and --deny answer approval requests, --answer answers questions; use one kind",
                             commandPath: path)
        }
        if !approve && !deny && answerValues.isEmpty {
            throw UsageError("say how to respond: --approve, --deny, or --answer QID=TEXT (one per question)",
                             commandPath: path)
        }
        let answers = try AnswerArguments.parse(answerValues, commandPath: path)
        let client = try invocation.client()
        let runID = parsed.runID
        let snapshot = try await client.getRun(runID)
        let pending = snapshot["pending_human_request"] ?? .null
        guard let pendingID = pending["id"]?.stringValue else {
            let status = snapshot["run"]?["status"]?.stringValue ?? "unknown"
            throw CLIFailure("run \(runID) has no pending human request (status: \(status)); nothing to respond to",
                             exitCode: .refused)
        }
        if let requested = parsed.value("request"), requested.lowercased() != pendingID.lowercased() {
            throw CLIFailure("request \(requested) is not the run's pending request (\(pendingID)); "
                + "see 'duvo runs get \(runID)'", exitCode: .refused)
        }
        let body: JSONValue
        do {
            body = try HumanResponse(request: pending).body(approved: approve ? true : (deny ? false : nil),
                                                            answers: answerValues.isEmpty ? nil : answers)
        } catch {
            throw UsageError(message(for: error, request: pending), commandPath: path)
        }
        // Two QIDs for one question (`Days=Mon` and `1=Fri`) would otherwise lose one answer without a word.
        if let resolved = body["answers"]?.objectValue, resolved.count < answers.count {
            throw UsageError("two --answer QIDs name the same question; repeat one QID (header, text or index) "
                + "for each choice of a multi-select question", commandPath: path)
        }
        let answer = try await client.respond(runID, requestID: pendingID, body: body)
        let console = invocation.console
        if invocation.json {
            console.json(answer)
        } else {
            let verb = approve ? "Approved" : (deny ? "Denied" : "Answered")
            let title = pending["title"]?.stringValue ?? pendingID
            console.line("\(verb) '\(title)' on run \(console.palette.bold(runID)).")
        }
        return .success
    }

    /// The core's explanation, in the command line's words: flags rather than JSON fields, and the QIDs that work.
    static func message(for error: HumanResponseError, request: JSONValue) -> String {
        let qids = (request["questions"]?.arrayValue ?? []).enumerated().map { index, question in
            "[\(index)] " + (question["header"]?.stringValue.map { "\($0): " } ?? "")
                + (question["question"]?.stringValue ?? "")
        }.joined(separator: "; ")
        let asks = { (questions: [String]) in questions.map { "'\($0)'" }.joined(separator: ", ") }
        switch error {
        case .needsApproval:
            return "this request asks for approval, not answers: use --approve or --deny"
        case .needsAnswers:
            return "this request asks questions, not approval: give --answer QID=TEXT for each of \(qids) "
                + "(QID: the index, the header or the question text)"
        case .unknownQuestion(let key, _):
            return "--answer '\(key)=...' names no question of this request; it asks \(qids) "
                + "(QID: the index, the header or the question text)"
        case .missingAnswers(let questions):
            return "no --answer given for \(asks(questions)); answer every question"
        case .bothGiven, .neitherGiven, .nothingPending, .notThePendingRequest:
            return error.message
        }
    }
}
