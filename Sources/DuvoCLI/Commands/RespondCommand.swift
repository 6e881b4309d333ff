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
            CommonOptions.callTimeout,
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
        let operations = try await invocation.operations()
        let runID = parsed.runID
        let answer: AnsweredRequest
        do {
            answer = try await operations.respond(
                try RunID.checked(runID), requestID: parsed.value("request"),
                approved: approve ? true : (deny ? false : nil), answers: answerValues.isEmpty ? nil : answers)
        } catch {
            switch error {
            case .duvo, .invalidParameter, .tooManyFollows:
                throw invocation.cliFailure(error)
            case .doesNotFit(.nothingPending(let status), _):
                throw CLIFailure("run \(runID) has no pending human request (status: \(status)); nothing to respond to",
                                 exitCode: .refused)
            case .doesNotFit(.notThePendingRequest(let given, let pending), _):
                throw CLIFailure("request \(given) is not the run's pending request (\(pending)); "
                    + "see 'duvo runs get \(runID)'", exitCode: .refused)
            case .doesNotFit(let mismatch, let request):
                throw UsageError(message(for: mismatch, request: request), commandPath: path)
            }
        }
        let console = invocation.console
        if invocation.json {
            console.json(answer.json)
        } else {
            let verb = approve ? "Approved" : (deny ? "Denied" : "Answered")
            let title = answer.title ?? "the request"
            console.line("\(verb) '\(title)' on run \(console.palette.bold(runID)).")
        }
        return .success
    }

    /// The core's explanation, in the command line's words: flags rather than JSON fields, and the QIDs that work.
    static func message(for error: HumanResponseError, request: HumanRequest?) -> String {
        let qids = (request?.questions ?? []).enumerated().map { index, question in
            "[\(index)] " + (question.header.map { "\($0): " } ?? "") + question.question
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
        case .answeredTwice:
            return "two --answer QIDs name the same question; repeat one QID (header, text or index) "
                + "for each choice of a multi-select question"
        case .bothGiven, .neitherGiven, .nothingPending, .notThePendingRequest:
            return error.message
        }
    }
}
