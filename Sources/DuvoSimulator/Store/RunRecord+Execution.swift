import Foundation
import JSONCore

extension RunRecord {
    /// Milliseconds of simulated time between lifecycle steps: pending to starting, starting to running.
    static let pendingDelay: Int64 = 1000
    static let startingDelay: Int64 = 2000

    /// Performs every action due at or before `now`, collecting the webhook events they cause.
    ///
    /// Each event is stamped with the time it was scheduled for, not the time of the call, so advancing lazily on
    /// a read gives the same log as a ticker would.
    mutating func advance(to now: Int64, events: inout [WebhookEvent]) {
        while !status.isTerminal && status != .waiting {
            if execution.queue.isEmpty { refill() }
            guard let next = execution.queue.first else { break }
            let at = execution.lastEventAt + next.delay
            guard at <= now else {
                execution.dueAt = at
                return
            }
            execution.queue.removeFirst()
            execution.lastEventAt = at
            apply(next.action, at: at, events: &events)
        }
        execution.dueAt = nil
    }

    /// Expands the next script step into actions; an exhausted script completes the run.
    private mutating func refill() {
        while var frame = execution.frames.popLast() {
            if frame.index >= frame.steps.count {
                guard frame.iteration < frame.passes else { continue }
                frame.iteration += 1
                frame.index = 0
            }
            let step = frame.steps[frame.index]
            frame.index += 1
            execution.frames.append(frame)
            if case .repeatSteps(let count, let steps) = step {
                execution.frames.append(RunExecution.Frame(steps: steps, passes: count))
                continue
            }
            execution.queue = expand(step, iteration: frame.iteration)
            if !execution.queue.isEmpty { return }
        }
        execution.queue = [RunExecution.Timed(delay: 1000, action: .finish(.completed))]
    }

    private func expand(_ step: ScenarioStep, iteration: Int) -> [RunExecution.Timed] {
        func ms(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded()) }
        switch step {
        case .say(let text, let after):
            return [
                .init(delay: ms(after), action: .say(text.replacingOccurrences(of: "{{n}}", with: String(iteration))))
            ]
        case .tool(let tool):
            return Self.expand(tool, firstDelay: ms(tool.after))
        case .askApproval(let ask, let approved, let denied, let after):
            return [
                .init(
                    delay: ms(after),
                    action: .ask(PendingAsk(kind: .approval, ask: ask, approved: approved, denied: denied)))
            ]
        case .askQuestions(let ask, let after):
            return [
                .init(delay: ms(after), action: .ask(PendingAsk(kind: .question, ask: ask, approved: [], denied: [])))
            ]
        case .echoUser(let after):
            return [.init(delay: ms(after), action: .echo)]
        case .finish(let status, let after):
            return [.init(delay: ms(after), action: .finish(status))]
        case .repeatSteps:
            return []
        }
    }

    /// A tool's attempts: call and result pairs, retried a second apart, and the run's failure when they run out.
    private static func expand(_ tool: ToolStep, firstDelay: Int64) -> [RunExecution.Timed] {
        var actions: [RunExecution.Timed] = []
        for attempt in 0..<tool.attempts {
            // Every attempt is the same call (same name and arguments) with its own id, as the guide describes.
            let call = MessageRecord.ToolCall(
                id: "toolu_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
                name: tool.name, arguments: tool.arguments)
            let failed = attempt < tool.failTimes
            actions.append(
                .init(delay: attempt == 0 ? firstDelay : 1000, action: .toolCall(call, isRetry: attempt > 0)))
            actions.append(
                .init(delay: 1000, action: .toolResult(call, failed ? .error(tool.error) : .result(tool.result))))
        }
        if tool.exhausts {
            let reason =
                "I could not finish: \(tool.name) failed \(tool.attempts) times and I have no retries left. "
                + "Last error: \(tool.error)"
            actions.append(.init(delay: 1000, action: .say(reason)))
            actions.append(.init(delay: 500, action: .finish(.failed)))
        }
        return actions
    }

    private mutating func apply(_ action: RunAction, at: Int64, events: inout [WebhookEvent]) {
        updatedAt = at
        switch action {
        case .status(let next):
            status = next
            if next == .running && startedAt == nil { startedAt = at }
        case .say(let text):
            let resolved = text.replacingOccurrences(of: "{{message}}", with: execution.lastUserMessage)
                .replacingOccurrences(of: "{{answers}}", with: execution.lastAnswers)
            append(.assistantMessage, at: at, text: resolved)
        case .toolCall(let call, let isRetry):
            if isRetry { retried = true }
            append(.toolCall, at: at, toolCall: call)
        case .toolResult(let call, let outcome):
            append(.toolResult, at: at, toolCall: call, outcome: outcome)
        case .ask(let pending):
            openRequest(pending, at: at, events: &events)
        case .echo:
            for text in execution.unanswered { append(.assistantMessage, at: at, text: "Echo: \(text)") }
            execution.unanswered.removeAll()
        case .finish(let final):
            finish(final, at: at, events: &events)
        }
    }

    /// Ends the run with `final`, notifying the webhook for the outcomes the docs list.
    mutating func finish(_ final: RunStatus, at: Int64, events: inout [WebhookEvent]) {
        status = final
        completedAt = at
        updatedAt = at
        execution.queue.removeAll()
        execution.frames.removeAll()
        execution.dueAt = nil
        let event: String? =
            switch final {
            case .completed: "run_completed"
            case .failed: "run_failed"
            case .interrupted: "run_interrupted"
            default: nil
            }
        if let event { notify(event, &events) }
    }

    private mutating func openRequest(_ pending: PendingAsk, at: Int64, events: inout [WebhookEvent]) {
        let request = HumanRequestRecord(
            id: UUID().uuidString.lowercased(), runID: id, kind: pending.kind,
            ask: pending.ask, createdAt: at)
        humanRequests.append(request)
        // The message id is the request id, so scripts that read ids from the message log can respond with them.
        messages.append(MessageRecord(id: request.id, kind: .humanRequest, timestamp: at, text: pending.ask.title))
        pendingRequestID = request.id
        execution.pendingAsk = pending
        status = .waiting
        notify("human_request", &events)
    }

    mutating func append(
        _ kind: MessageRecord.Kind, at: Int64, text: String? = nil,
        toolCall: MessageRecord.ToolCall? = nil, outcome: MessageRecord.ToolOutcome? = nil
    ) {
        messages.append(
            MessageRecord(
                id: UUID().uuidString.lowercased(), kind: kind, timestamp: at, text: text,
                toolCall: toolCall, toolOutcome: outcome))
    }

    private func notify(_ event: String, _ events: inout [WebhookEvent]) {
        guard let webhookURL else { return }
        events.append(WebhookEvent(url: webhookURL, event: event, runID: id, status: status.rawValue))
    }
}
