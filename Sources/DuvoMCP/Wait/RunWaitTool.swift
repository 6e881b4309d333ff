import Diagnostics
import DuvoAPI
import DuvoBridge
import JSONCore
import JSONRPC
import RunWatching

/// `duvo_wait_for_run`: waits at most ~45 s for a run to finish or need a person, reporting progress, and asks the
/// person directly through `elicitation/create` when the client can show forms. Once the client cancelled a wait,
/// waits keep within 70% of the time it waited then.
///
/// Waits share the bridge's poll scheduler with every other wait and follow, so they cost no more requests than
/// `runs/wait`. An answered form is posted like `runs/respond` and the wait goes on within the same call.
struct RunWaitTool: Sendable {
    let environment: ToolEnvironment
    /// For a 2026 request: the call's binding, and the person's answer to what an earlier round asked.
    let round: InputRound?
    private var bridge: Bridge { environment.bridge }
    private var options: MCPOptions { environment.options }

    private struct Arguments: Decodable {
        let runID: String
        let timeoutS: Double?

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", timeoutS = "timeout_s"
        }
    }

    /// What asking a person came to.
    private enum Asked {
        case answered(String)
        case notAsked(WaitReport.PersonReason)
        /// A 2026 client must show the form itself and call again (`input_required`).
        case askClient(HumanElicitation)
        /// The run moved on while the form was open (it ended, or the request was answered elsewhere): the form was
        /// withdrawn, and the run is read again.
        case movedOn
    }

    /// Waits and reports, or (2026) answers `input_required` with the form a person must fill in.
    /// - Throws: ``RPCError`` for bad arguments and Duvo's errors; cancellation as is.
    func run(_ arguments: [String: JSONValue], progressToken: JSONValue?) async throws -> ToolAnswer {
        let args = try ToolArguments.decode(Arguments.self, from: arguments)
        if let timeout = args.timeoutS, !(timeout > 0) {
            throw RPCError.invalidParams("'timeout_s' must be more than 0 seconds", field: "timeout_s")
        }
        var seconds = min(args.timeoutS ?? options.maxWaitSeconds, options.maxWaitSeconds)
        // A client that cancelled a wait showed how long it waits for a tool: answer well before that, so that the
        // model reads "call again" instead of a timeout error.
        if let cap = environment.session.waitCap { seconds = min(seconds, cap) }
        let started = ContinuousClock.now
        let progress = progressToken.map {
            WaitProgress(token: $0, runID: args.runID, connection: environment.context.connection,
                         operations: bridge.operations, started: started)
        }
        let interval = options.progressInterval
        let report: WaitReport
        let session = environment.session
        let logger = environment.context.logger
        report = try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self, returning: WaitReport.self) { group in
                if let progress { group.addTask { await progress.report(every: interval) } }
                defer { group.cancelAll() }
                return try await wait(for: args.runID, until: started + .seconds(seconds), progress: progress)
            }
        } onCancel: {
            // Runs as the connection takes the client's cancel in, before it reads the next request: a wait the
            // client sends right after already keeps to the patience learnt here.
            Self.learnPatience(waited: ContinuousClock.now - started, session: session, logger: logger)
        }
        if case .askClient(let form) = report.ending, let round {
            return .inputRequired(round.inputRequired(form))
        }
        return .result(.success(report.structured, summary: report.summary))
    }

    private func wait(for runID: String, until deadline: ContinuousClock.Instant, progress: WaitProgress?)
        async throws -> WaitReport
    {
        let started = ContinuousClock.now
        var snapshot = try await read(runID)
        var answered: [String: String] = [:]
        var lastStatus: String?
        func report(_ ending: WaitReport.Ending) -> WaitReport {
            WaitReport(runID: runID, run: snapshot.run, pending: snapshot.pendingHumanRequest,
                       ending: ending, waited: (ContinuousClock.now - started).seconds,
                       answered: answered.values.sorted())
        }
        while true {
            let status = snapshot.run.status
            if status.rawValue != lastStatus {
                await observe(status.rawValue, previous: lastStatus, runID: runID, progress: progress)
                lastStatus = status.rawValue
            }
            if status.isTerminal { return report(.finished) }
            let remaining = deadline - ContinuousClock.now
            if status.needsAttention {
                if let pending = snapshot.pendingHumanRequest, answered[pending.id] == nil {
                    switch try await ask(pending, runID: runID) {
                    case .answered(let sentence):
                        answered[pending.id] = sentence
                        snapshot = try await read(runID)
                        continue
                    case .notAsked(let reason):
                        return report(.person(reason))
                    case .askClient(let form):
                        return report(.askClient(form))
                    case .movedOn:
                        snapshot = try await read(runID)
                        continue
                    }
                }
                if answered.isEmpty { return report(.message) }
                // Answered here, but Duvo has not moved the run on yet: look again shortly, never asking twice.
                if remaining <= .zero { return report(.timedOut) }
                try await Task.sleep(for: min(remaining, .milliseconds(500)))
                snapshot = try await read(runID)
                continue
            }
            if remaining <= .zero { return report(.timedOut) }
            let outcome = try await scheduled(runID: runID, seconds: remaining.seconds, progress: progress)
            snapshot = RunRead(run: outcome.run, pendingHumanRequest: outcome.pendingHumanRequest)
            if outcome.timedOut { return report(.timedOut) }
        }
    }

    /// The client cancelled this wait after `waited`: later waits in this session end before that.
    private static func learnPatience(waited: Duration, session: MCPSession, logger: Logger) {
        guard session.noteCancelledWait(after: waited), let cap = session.waitCap else { return }
        let tenths = { (value: Double) in (value * 10).rounded() / 10 }
        logger.info("the client cancelled a wait after \(tenths(waited.seconds)) s; later waits "
            + "answer within \(tenths(cap)) s")
    }

    /// The run and its pending request, read once (the id checked first).
    private func read(_ runID: String) async throws -> RunRead {
        try await environment.run { operations throws(RunOperationError) in
            try await operations.get(try RunID.checked(runID))
        }
    }

    /// One wait on the shared scheduler, until the run ends or needs attention.
    private func scheduled(runID: String, seconds: Double, progress: WaitProgress?) async throws -> WaitOutcome {
        try await environment.run { operations throws(RunOperationError) in
            try await operations.wait(try RunID.checked(runID), until: .attention, timeout: seconds) { status, _ in
                await progress?.update(status: status.rawValue)
            }
        }
    }

    private func observe(_ status: String, previous: String?, runID: String, progress: WaitProgress?) async {
        await progress?.update(status: status)
        if let previous {
            await environment.log.send(.info, "run \(runID): \(previous) -> \(status)")
        }
    }

    /// Asks the person through the client, when it can show forms and this server may answer: with
    /// `elicitation/create` in a 2025 session, through `input_required` on 2026.
    private func ask(_ pending: HumanRequest, runID: String) async throws -> Asked {
        if options.readOnly { return .notAsked(.readOnly) }
        guard await environment.capabilities().formElicitation else { return .notAsked(.noElicitation) }
        let form = HumanElicitation(request: pending, runID: runID, revision: await environment.revision())
        let title = pending.title ?? "a request"
        if let round {
            guard let response = round.response(to: pending, runID: runID) else {
                await environment.log.send(.notice, "run \(runID) waits for a person (\"\(title)\"); asking the user")
                return .askClient(form)
            }
            // An accepted form without the answers it needs is asked again, as the multi round-trip pattern says.
            return try await apply(response, form: form, title: title, runID: runID, incomplete: .askClient(form))
        }
        await environment.log.send(.notice, "run \(runID) waits for a person (\"\(title)\"); asking the user")
        let reply: JSONValue
        do {
            guard let answer = try await formOrMove(form, pending: pending, runID: runID) else { return .movedOn }
            reply = answer
        } catch let error as RPCError {
            return .notAsked(.failed("the client answered: \(error.message)"))
        } catch is RPCRequestTimedOut {
            let patience = ToolSummary.seconds(options.formPatience.seconds)
            return .notAsked(.failed("nobody answered the form within \(patience), so it was withdrawn"))
        }
        return try await apply(reply, form: form, title: title, runID: runID)
    }

    /// The client's answer to `form`, or nil when the run moves on first (it ends, or `pending` is answered
    /// elsewhere): then the form is withdrawn with `notifications/cancelled`, as it is when the wait is cancelled.
    private func formOrMove(_ form: HumanElicitation, pending: HumanRequest, runID: String) async throws -> JSONValue? {
        let connection = environment.context.connection
        let patience = options.formPatience
        return try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            group.addTask {
                try await connection.sendRequest("elicitation/create", params: form.params, timeout: patience) { id in
                    .notification(method: "notifications/cancelled",
                                  params: ["requestId": id.json, "reason": "the wait for the run ended"])
                }
            }
            group.addTask {
                try await movesOn(from: pending, runID: runID)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// Returns once the run no longer waits for `pending`: it left `waiting`, or waits for another request.
    private func movesOn(from pending: HumanRequest, runID: String) async throws {
        let subscription = try await environment.run { operations throws(RunOperationError) in
            try await operations.follow(try RunID.checked(runID), messages: false, verify: false)
        }
        // Ends when the run moves on, or (cancelled: the form was answered first) when the stream does.
        events: for await event in subscription.events {
            switch event {
            case .status(let status, _, _, let now) where !status.needsAttention || now?.id != pending.id:
                break events
            case .ended:
                break events
            default:
                continue
            }
        }
        await bridge.operations.unfollow(subscription.id)
        try Task.checkCancellation()
    }

    /// Acts on what the person did with the form (an `ElicitResult`): posts an accepted answer to Duvo. An accepted
    /// form that lacks an answer comes to `incomplete`, or to a failure saying what is missing.
    private func apply(_ reply: JSONValue, form: HumanElicitation, title: String, runID: String,
                       incomplete: Asked? = nil) async throws -> Asked
    {
        switch reply["action"]?.stringValue {
        case "accept":
            let answer: HumanElicitation.Answer
            do {
                answer = try form.answer(from: reply["content"])
            } catch {
                return incomplete ?? .notAsked(.failed(error.message))
            }
            do {
                let answered = try await environment.run { operations throws(RunOperationError) in
                    try await operations.respond(try RunID.checked(runID), requestID: answer.requestID,
                                                 approved: answer.approved, answers: answer.answers)
                }
                let response = answered.response ?? "an answer"
                await environment.log.send(.info, "run \(runID): the user answered \"\(title)\"")
                return .answered("The user answered \"\(title)\": \(response).")
            } catch {
                guard error.code != .requestCancelled else { throw error }
                return .notAsked(.failed("posting the answer failed: \(error.message)"))
            }
        case "decline":
            return .notAsked(.declined)
        default:
            return .notAsked(.cancelled)
        }
    }
}
