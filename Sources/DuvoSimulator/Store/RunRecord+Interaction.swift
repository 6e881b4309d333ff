import JSONCore

/// A validated body of a respond call: `approved`, `answers`, either, both or neither (the shape is checked
/// against the request's type here, because only the run knows it).
struct HumanReply: Sendable {
    var approved: Bool?
    var answers: [String: String]?
}

/// What `POST .../stop` reports.
struct StopOutcome: Sendable {
    var success: Bool
    var message: String
}

extension RunRecord {
    /// Stores a user message and resumes the run when its state allows (waiting, completed, interrupted).
    mutating func post(_ text: String, at now: Int64) -> MessageRecord {
        append(.userMessage, at: now, text: text)
        execution.lastUserMessage = text
        execution.unanswered.append(text)
        updatedAt = now
        switch status {
        case .waiting:
            // The message does not answer the request: the agent acknowledges it and asks again.
            if let index = pendingRequestID.flatMap(requestIndex) { humanRequests[index].state = .superseded }
            pendingRequestID = nil
            status = .running
            execution.lastEventAt = now
            if let ask = execution.pendingAsk {
                execution.queue = [
                    .init(
                        delay: 1000,
                        action: .say(
                            "Noted: \"\(text)\". I still need your answer to \"\(ask.ask.title)\" before I continue.")),
                    .init(delay: 1000, action: .ask(ask)),
                ]
            }
            execution.pendingAsk = nil
        case .completed, .interrupted:
            status = .running
            completedAt = nil
            execution.lastEventAt = now
            execution.queue.removeAll()
            execution.frames = [RunExecution.Frame(steps: execution.onMessage)]
        case .pending, .starting, .running, .failed, .stopped:
            break
        }
        return messages[messages.count - 1]
    }

    /// Answers the pending human request `requestID` and resumes the run.
    /// - Throws: ``APIError`` for an unknown or already answered request, a run that is not waiting, or a reply
    ///   whose shape does not fit the request's type.
    mutating func respond(to requestID: String, with reply: HumanReply, at now: Int64) throws(APIError)
        -> HumanRequestRecord
    {
        guard let index = requestIndex(requestID) else {
            throw .notFound(
                "Run \(id) has no human request \(requestID); read pending_human_request from GET /runs/\(id).")
        }
        let request = humanRequests[index]
        switch request.state {
        case .answered:
            throw .requestNotPending(
                "Human request \(requestID) was already answered (\(request.response ?? "")); "
                    + "it cannot be answered twice."
            )
        case .superseded:
            throw .requestNotPending(
                "Human request \(requestID) was replaced when a message arrived; "
                    + "answer the request in the run's pending_human_request instead."
            )
        case .pending, .cancelled:
            guard status == .waiting, pendingRequestID == requestID else {
                throw .runNotWaiting(
                    "Run \(id) is not waiting for input (status: \(status.rawValue)); "
                        + "only a waiting run accepts a response."
                )
            }
        }
        let (response, summary, approved) = try Self.interpret(reply, for: request)
        humanRequests[index].state = .answered
        humanRequests[index].response = response
        humanRequests[index].respondedAt = now
        append(.humanResponse, at: now, text: response)
        if let summary { execution.lastAnswers = summary }
        if let pending = execution.pendingAsk, let approved {
            execution.frames.append(RunExecution.Frame(steps: approved ? pending.approved : pending.denied))
        }
        execution.pendingAsk = nil
        pendingRequestID = nil
        status = .running
        updatedAt = now
        execution.lastEventAt = now
        return humanRequests[index]
    }

    /// Checks the reply's shape against the request type; returns the stored response text, the answers summary
    /// for `{{answers}}`, and the approval decision.
    private static func interpret(_ reply: HumanReply, for request: HumanRequestRecord) throws(APIError) -> (
        String, String?, Bool?
    ) {
        switch request.kind {
        case .approval:
            guard let approved = reply.approved, reply.answers == nil else {
                throw .invalidResponse(
                    "Human request \(request.id) is an approval: "
                        + "send {\"approved\": true} or {\"approved\": false}, without \"answers\"."
                )
            }
            return (approved ? "approved" : "denied", nil, approved)
        case .question:
            let questions = request.ask.questions.map(\.question)
            guard let answers = reply.answers, reply.approved == nil else {
                throw .invalidResponse(
                    "Human request \(request.id) asks questions: "
                        + "send {\"answers\": {\"<question text>\": \"<answer>\"}} covering \(quoteList(questions)), "
                        + "without \"approved\"."
                )
            }
            let missing = questions.filter { answers[$0] == nil }
            let unknown = answers.keys.filter { !questions.contains($0) }.sorted()
            guard missing.isEmpty, unknown.isEmpty else {
                var parts: [String] = []
                if !missing.isEmpty { parts.append("missing answers to \(quoteList(missing))") }
                if !unknown.isEmpty { parts.append("unknown questions \(quoteList(unknown))") }
                throw .invalidResponse(
                    "Answers must be keyed by the exact question text: \(parts.joined(separator: "; ")). "
                        + "Multi-select answers are comma-separated."
                )
            }
            var text: [UInt8] = [UInt8(ascii: "{")]
            for (offset, question) in questions.enumerated() {
                if offset > 0 { text.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(question, into: &text)
                text.append(UInt8(ascii: ":"))
                JSONWriter.writeString(answers[question] ?? "", into: &text)
            }
            text.append(UInt8(ascii: "}"))
            let summary = questions.map { "\($0) \(answers[$0] ?? "")" }.joined(separator: "; ")
            return (String(decoding: text, as: UTF8.self), summary, nil)
        }
    }

    private static func quoteList(_ items: [String]) -> String {
        items.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    /// Stops an active run; a terminal run is left alone (the documented no-op).
    mutating func stop(at now: Int64) -> StopOutcome {
        guard !status.isTerminal else {
            return StopOutcome(
                success: false, message: "Run is not active (status: \(status.rawValue)); nothing to stop")
        }
        if let index = pendingRequestID.flatMap(requestIndex) { humanRequests[index].state = .cancelled }
        pendingRequestID = nil
        execution.pendingAsk = nil
        var none: [WebhookEvent] = []
        finish(.stopped, at: now, events: &none)
        return StopOutcome(success: true, message: "Run stopped")
    }
}
