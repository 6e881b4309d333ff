import DuvoAPI
import DuvoBridge
import JSONCore
import JSONRPC
import RunWatching

/// The Tasks extension's side of the server: turns a started run into a task, and answers `tasks/get`,
/// `tasks/update` and `tasks/cancel` by reading, answering and stopping the run.
///
/// The only state is which tasks this process handed out that have not ended, for ``pollIntervalMilliseconds()``:
/// a task is the run itself, so a task id stays valid across requests (and restarts) as long as Duvo has the run.
actor TaskBoard {
    private let bridge: Bridge
    /// The tools offered: `tasks/update` and `tasks/cancel` act only through tools this server offers, so
    /// `--read-only` and `--exclude-tools` hold for them too.
    private let catalog: ToolCatalog
    private var active: Set<String> = []

    /// The share of the interactive allowance that polling clients may use together; the rest stays for calls.
    static let pollShare = 0.5
    /// The shortest interval suggested, whatever the budget allows.
    static let minimumPollMilliseconds = 1_000

    init(bridge: Bridge, catalog: ToolCatalog) {
        self.bridge = bridge
        self.catalog = catalog
    }

    /// The `CreateTaskResult` for a run `duvo_start_run` just started.
    func created(_ run: Run, serverVersion: String) async -> JSONValue {
        active.insert(run.id.lowercased())
        let task = TaskRun(run: run, pending: nil, capabilities: .none,
                           pollIntervalMilliseconds: await pollIntervalMilliseconds())
        return ModernResult.tagged(task.detailed, type: "task", serverVersion: serverVersion)
    }

    /// How often a client should poll one task so that every task handed out, and every run this process already
    /// follows, fit together in ``pollShare`` of the rate budget's interactive allowance (one `tasks/get` is one
    /// request to Duvo).
    func pollIntervalMilliseconds() async -> Int {
        let limit = bridge.client.budget.allowance(for: .interactive)
        guard limit > 0 else { return Self.minimumPollMilliseconds }
        let followed = await bridge.scheduler.watchedRunCount()
        let perMinute = Double(limit) * Self.pollShare
        let interval = 60_000 * Double(max(1, active.count + followed)) / perMinute
        return max(Self.minimumPollMilliseconds, Int(interval.rounded(.up)))
    }

    /// The task `taskID` as it stands now.
    /// - Throws: ``RPCError`` -32602 for an id that names no run, and Duvo's errors.
    func task(_ taskID: String, capabilities: ClientCapabilities, context: RPCRequestContext) async throws
        -> TaskRun
    {
        let snapshot = try await read(taskID)
        return await task(run: snapshot.run, pending: snapshot.pendingHumanRequest, capabilities: capabilities)
    }

    /// The task for a run as just read (a `tasks/get`, or an event of a `subscriptions/listen` stream); a run that
    /// ended brings its newest message, the run's final output.
    func task(run: Run, pending: HumanRequest?, capabilities: ClientCapabilities) async -> TaskRun {
        var newest: Message?
        if TaskRun.hasEnded(run) {
            active.remove(run.id.lowercased())
            newest = await newestMessage(of: run.id)
        }
        return TaskRun(run: run, pending: pending, capabilities: capabilities,
                       pollIntervalMilliseconds: await pollIntervalMilliseconds(), newest: newest)
    }

    /// The run's last message, or nil when it has none or reading it failed (the task is still reported).
    private func newestMessage(of runID: String) async -> Message? {
        do {
            return try await bridge.operations.newestMessage(RunID(unchecked: runID)).message
        } catch {
            return nil
        }
    }

    /// Posts the answers in `responses` to what the task waits for; answers to anything else are ignored, and a
    /// declined or dismissed form leaves the request pending.
    /// - Throws: ``RPCError`` -32602 for an unknown task or an accepted form without the answers it needs, and
    ///   Duvo's errors when posting fails.
    func update(_ taskID: String, responses: [String: JSONValue], context: RPCRequestContext) async throws {
        try requireTool(for: [TaskMethods.respond, TaskMethods.sendMessage], by: UpdateTask.name)
        let task = try await task(taskID, capabilities: ClientCapabilities(formElicitation: true), context: context)
        guard let key = task.inputKey, let response = responses[key],
              response["action"]?.stringValue == "accept" else { return }
        if let form = task.humanForm {
            try requireTool(for: [TaskMethods.respond], by: UpdateTask.name)
            let answer = try form.answer(from: response["content"])
            _ = try await act(on: taskID) { operations, runID throws(RunOperationError) in
                try await operations.respond(runID, requestID: answer.requestID, approved: answer.approved,
                                             answers: answer.answers)
            }
        } else {
            try requireTool(for: [TaskMethods.sendMessage], by: UpdateTask.name)
            guard let message = response["content"]?["message"]?.stringValue, !message.isEmpty else {
                throw RPCError.invalidParams("the answer to \(key) needs a non-empty message",
                                             field: "inputResponses.\(key)")
            }
            _ = try await act(on: taskID) { operations, runID throws(RunOperationError) in
                try await operations.sendMessage(runID, text: message)
            }
        }
    }

    /// Stops the run (a run that already ended is left as it is).
    ///
    /// The run is read first, so an id that names no run is refused without a stop being sent anywhere.
    /// - Throws: ``RPCError`` -32602 for an unknown task or when the stop tool is not offered, and Duvo's errors.
    func cancel(_ taskID: String, context: RPCRequestContext) async throws {
        try requireTool(for: [TaskMethods.stop], by: CancelTask.name)
        let run = try await read(taskID).run
        guard !TaskRun.hasEnded(run) else { return }
        _ = try await act(on: taskID) { operations, runID throws(RunOperationError) in try await operations.stop(runID) }
    }

    /// Refuses a request that would act through a method none of whose tools this server offers, with the
    /// error a call of a tool that is not offered gets (-32602).
    private func requireTool(for methods: [String], by request: String) throws(RPCError) {
        guard !catalog.enabled.contains(where: { methods.contains($0.method) }) else { return }
        let names = catalog.all.filter { methods.contains($0.method) }.map(\.name).joined(separator: " or ")
        let offered = catalog.enabled.map(\.name).joined(separator: ", ")
        throw RPCError.invalidParams("\(request) acts through \(names), which this server does not offer "
            + "(--read-only, --tools or --exclude-tools); this server offers: \(offered)", field: "taskId")
    }

    private func read(_ taskID: String) async throws(RPCError) -> RunRead {
        try await act(on: taskID) { operations, runID throws(RunOperationError) in try await operations.get(runID) }
    }

    /// Runs an operation on the task's run, reporting a bad or unknown id as the extension asks (-32602).
    private func act<T: Sendable>(on taskID: String,
                                  _ body: (RunOperations, RunID) async throws(RunOperationError) -> T)
        async throws(RPCError) -> T
    {
        do {
            return try await body(bridge.operations, try RunID.checked(taskID))
        } catch {
            switch error {
            case .invalidParameter(let message, field: "run_id"):
                throw RPCError.invalidParams("Failed to retrieve task: \(message)", field: "taskId")
            case .duvo(let failure) where RPCError(failure).code == .notFound:
                throw RPCError.invalidParams("Failed to retrieve task: Task not found (\(failure.message))",
                                             field: "taskId")
            default:
                throw RPCError(BridgeFailure(error))
            }
        }
    }
}

/// The bridge methods the Tasks extension acts through.
private enum TaskMethods {
    static let respond = MethodNames.respond
    static let sendMessage = MethodNames.sendMessage
    static let stop = MethodNames.stop
}
