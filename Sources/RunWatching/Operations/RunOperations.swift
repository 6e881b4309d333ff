import DuvoAPI
import JSONCore
import KeyCoordination

/// Each run operation, written once: its checks, defaults, recovery of lost writes and pending-request handling.
///
/// The JSON-RPC methods, the MCP tools and the CLI commands all call these; a front door only translates its input
/// into the typed parameters, the typed result into its output, and ``RunOperationError`` into its own form.
package struct RunOperations: Sendable {
    /// Every Duvo call goes through it (budget, retries, typed answers).
    package let client: DuvoClient
    /// The scheduler whose polls follows and waits share, made on first use (a command that only reads needs none).
    private let makeScheduler: @Sendable () async -> PollScheduler
    /// Whether every run started with this process's webhook is remembered for a later follow or wait (a serving
    /// process), or only one this call follows (a one-shot command, whose scheduler is made only when needed).
    private let remembersEveryStart: Bool

    /// The wait `runs/wait` documents when none is given: ten minutes.
    package static let defaultWait = 600.0
    /// The longest wait a caller may ask for: a day.
    package static let longestWait = 86_400.0
    /// A wait without a limit: longer than any run, short enough to stay a valid sleep.
    static let unlimitedWait = 10.0 * 365 * 86_400
    /// The largest page of messages or runs Duvo serves.
    package static let largestPage = 100

    /// The URL (with its token) at which Duvo reaches this process's webhook receiver, when it asks for events
    /// (``WebhookToken/webhookURL(base:)``); it is a secret, registered with the redactor.
    package let webhook: String?

    package init(client: DuvoClient, scheduler: PollScheduler, webhook: String? = nil) {
        self.init(client: client, webhook: webhook, remembersEveryStart: true) { scheduler }
    }

    /// Operations whose follows and waits use the scheduler `scheduler` makes (or returns) when first needed.
    package init(client: DuvoClient, webhook: String? = nil,
                 scheduler: @escaping @Sendable () async -> PollScheduler) {
        self.init(client: client, webhook: webhook, remembersEveryStart: false, scheduler: scheduler)
    }

    private init(client: DuvoClient, webhook: String?, remembersEveryStart: Bool,
                 scheduler: @escaping @Sendable () async -> PollScheduler) {
        self.client = client
        self.webhook = webhook
        makeScheduler = scheduler
        self.remembersEveryStart = remembersEveryStart
    }

    /// The scheduler behind follows and waits.
    package func scheduler() async -> PollScheduler {
        await makeScheduler()
    }

    /// What starts a run.
    package struct StartRequest: Sendable, Hashable {
        package var agentID: String
        package var message: String?
        package var sandboxID: String?
        package var webhookURL: String?
        /// The team to start it in (v2); the configured one when nil.
        package var teamID: String?
        /// Whether the caller will follow the run, so that its statuses are expected.
        package var willFollow: Bool

        package init(agentID: String, message: String? = nil, sandboxID: String? = nil, webhookURL: String? = nil,
                     teamID: String? = nil, willFollow: Bool = false) {
            self.agentID = agentID
            self.message = message
            self.sandboxID = sandboxID
            self.webhookURL = webhookURL
            self.teamID = teamID
            self.willFollow = willFollow
        }
    }

    /// Starts a run; never sent twice (a lost answer is recovered, see ``DuvoClient``).
    ///
    /// With webhooks configured (``webhook``), a run started without the caller's own `webhook_url` gets this
    /// process's, and a follow or wait of it in this process (now or later: an MCP start then wait, a JSON-RPC start
    /// then follow) is read only as a safety net while events arrive. A caller's own `webhook_url` wins, and that run
    /// is polled as ever.
    package func start(_ request: StartRequest) async throws(RunOperationError) -> StartedRun {
        try ParameterChecks.uuid(request.agentID, field: "agent_id")
        try ParameterChecks.nonEmpty(request.teamID, field: "team_id")
        // Statuses will flow for this run: from the first start of a burst, the starts leave the status reserve free.
        if request.willFollow { await client.budget.expectStatusNews() }
        let ours = request.webhookURL == nil ? webhook : nil
        let webhookURL = request.webhookURL ?? ours
        let started = try await duvo { () async throws(DuvoAPIError) in
            try await client.startRun(agentID: request.agentID, message: request.message,
                                      sandboxID: request.sandboxID, webhookURL: webhookURL,
                                      teamID: request.teamID)
        }
        if ours != nil, request.willFollow || remembersEveryStart { await scheduler().expectPush(started.item.id) }
        return started
    }

    /// Reads a run and the human request it waits on.
    package func get(_ runID: RunID) async throws(RunOperationError) -> RunRead {
        try await duvo { () async throws(DuvoAPIError) in try await client.getRun(runID.text) }
    }

    /// Reads a page of a run's messages (`limit` from `offset`), or every message from `offset` with `all`.
    ///
    /// A `limit` above the API version's page size (50 on v1) is honoured by reading two pages.
    package func messages(_ runID: RunID, limit: Int? = nil, offset: Int? = nil, all: Bool = false)
        async throws(RunOperationError) -> MessagePage
    {
        try ParameterChecks.range(limit, 1...Self.largestPage, field: "limit")
        try ParameterChecks.range(offset, 0...Int.largestCount, field: "offset")
        let client = client
        if all {
            return try await duvo { () async throws(DuvoAPIError) in
                try await client.allMessages(runID.text, from: offset ?? 0)
            }
        }
        guard let limit, limit > client.maxMessagePageSize else {
            return try await duvo { () async throws(DuvoAPIError) in
                try await client.messages(runID.text, limit: limit, offset: offset)
            }
        }
        return try await duvo { () async throws(DuvoAPIError) in
            let start = offset ?? 0
            var page = try await client.messages(runID.text, limit: client.maxMessagePageSize, offset: start)
            let total = page.total ?? 0
            while page.messages.count < limit, start + page.messages.count < total {
                let next = try await client.messages(runID.text, limit: min(client.maxMessagePageSize,
                                                                           limit - page.messages.count),
                                                     offset: start + page.messages.count)
                if next.messages.isEmpty { break }
                page.messages += next.messages
            }
            page.limit = limit
            return page
        }
    }

    /// The run's newest message (nil when it has none) and how many it has, read with one request when `guess` is
    /// the newest one's position (a total seen before, less one), with two otherwise.
    package func newestMessage(_ runID: RunID, guess: Int = 0, priority: RateBudget.Priority = .interactive)
        async throws(RunOperationError) -> (message: Message?, total: Int)
    {
        let client = client
        return try await duvo { () async throws(DuvoAPIError) in
            let guess = max(0, guess)
            var page = try await client.messages(runID.text, limit: 1, offset: guess, priority: priority)
            let total = page.total ?? 0
            if total - 1 > guess {
                page = try await client.messages(runID.text, limit: 1, offset: total - 1, priority: priority)
            }
            return (page.messages.last, total)
        }
    }

    /// Posts a user message (which resumes a waiting, completed or interrupted run); never sent twice.
    package func sendMessage(_ runID: RunID, text: String) async throws(RunOperationError) -> PostedMessage {
        try ParameterChecks.nonEmpty(text, field: "message")
        return try await duvo { () async throws(DuvoAPIError) in try await client.postMessage(runID.text, text: text) }
    }

    /// Answers the run's pending human request: `approved` for an approval, `answers` (question text, header or
    /// 0-based index to a string or an array of strings) for questions. With `requestID`, only if it is that one.
    package func respond(_ runID: RunID, requestID: String? = nil, approved: Bool?, answers: [String: JSONValue]?)
        async throws(RunOperationError) -> AnsweredRequest
    {
        try ParameterChecks.uuid(requestID, field: "request_id")
        for (key, value) in answers ?? [:] {
            let fits = value.stringValue != nil || (value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false)
            guard fits else {
                throw .invalidParameter("answer '\(key)' must be a string or an array of strings, not "
                    + value.kindDescription, field: "answers.\(key)")
            }
        }
        return try await client.respondToPending(runID: runID.text, requestID: requestID, approved: approved,
                                                 answers: answers)
    }

    /// Stops a run; a no-op (success false) on one that is not active.
    package func stop(_ runID: RunID) async throws(RunOperationError) -> StopOutcome {
        try await duvo { () async throws(DuvoAPIError) in try await client.stopRun(runID.text) }
    }

    /// Lists a team's runs (API v2): one page, or every match with `all`.
    package func list(_ filter: RunListFilter, all: Bool = false, teamID: String? = nil)
        async throws(RunOperationError) -> RunPage
    {
        try ParameterChecks.uuid(filter.agentID, field: "agent_id")
        try ParameterChecks.statusNames(filter.statuses, field: "status")
        try ParameterChecks.timestamp(filter.since, field: "since")
        try ParameterChecks.range(filter.limit, 1...Self.largestPage, field: "limit")
        try ParameterChecks.range(filter.offset, 0...Int.largestCount, field: "offset")
        try ParameterChecks.oneOf(filter.issueSeverity, ["critical", "medium", "low"], field: "issue_severity")
        try ParameterChecks.oneOf(filter.sortBy, ["created_at", "started_at", "completed_at", "updated_at"],
                                  field: "sort_by")
        try ParameterChecks.oneOf(filter.sortOrder, ["asc", "desc"], field: "sort_order")
        try ParameterChecks.nonEmpty(teamID, field: "team_id")
        let client = client
        return try await duvo { () async throws(DuvoAPIError) in
            all ? try await client.allRuns(filter, teamID: teamID) : try await client.listRuns(filter, teamID: teamID)
        }
    }

    /// Counts by status, failure rate and durations over a team's runs (API v2).
    package func stats(agentID: String?, since: String?, teamID: String?)
        async throws(RunOperationError) -> RunStatistics
    {
        try ParameterChecks.uuid(agentID, field: "agent_id")
        try ParameterChecks.timestamp(since, field: "since")
        try ParameterChecks.nonEmpty(teamID, field: "team_id")
        return try await duvo { () async throws(DuvoAPIError) in
            try await client.statistics(agentID: agentID, since: since, teamID: teamID)
        }
    }

    /// Waits until the run meets `condition` or `timeout` seconds (at most a day; no limit when nil) pass,
    /// sharing polls with follows. `onStatus` sees each status the wait observes.
    package func wait(_ runID: RunID, until condition: WaitCondition = .terminal, timeout: Double?,
                      onStatus: (@Sendable (RunStatus, Run) async -> Void)? = nil)
        async throws(RunOperationError) -> WaitOutcome
    {
        if let timeout, !(timeout > 0 && timeout <= Self.longestWait) {
            throw .invalidParameter("'timeout_s' must be more than 0 and at most 86400 seconds", field: "timeout_s")
        }
        let timeout = timeout ?? Self.unlimitedWait
        let scheduler = await scheduler()
        return try await duvo { () async throws(DuvoAPIError) in
            try await scheduler.wait(runID: runID.text, until: condition, timeout: timeout, client: client,
                                     onStatus: onStatus)
        }
    }

    /// Starts following a run: its messages from `offset` (when `messages`) and its status changes, as
    /// ``RunEvent``s on the subscription's stream until ``RunEvent/ended(status:reason:error:)``.
    ///
    /// With `verify`, a wrong id fails here rather than as a subscription that ends at once: the run is read first,
    /// unless the caller has just read it (`known`) or team-wide sweeps already list it, which costs no request.
    /// That read stands for the follow's first look, so the run is not read twice. Without it, a run Duvo does not
    /// know ends the subscription with ``RunEvent/ended(status:reason:error:)`` (reason `error`), for a caller that
    /// reports that itself. End the subscription with ``unfollow(_:)``.
    package func follow(_ runID: RunID, from offset: Int = 0, messages: Bool = true, known: Run? = nil,
                        verify: Bool = true) async throws(RunOperationError) -> PollScheduler.Subscription
    {
        try ParameterChecks.range(offset, 0...Int.largestCount, field: "offset")
        let scheduler = await scheduler()
        // Checked before the read, not atomically with the subscription: follows started at once may pass the bound
        // by as many as are in flight, which the connection bounds in turn.
        guard await scheduler.subscriptionCount() < scheduler.tuning.maxFollows else {
            throw .tooManyFollows(limit: scheduler.tuning.maxFollows)
        }
        await client.budget.expectStatusNews()
        var known = known
        if verify, known == nil, await !scheduler.listedBySweeps(runID.text) {
            known = try await get(runID).run
        }
        return await scheduler.subscribe(runID: runID.text, fromOffset: offset, messages: messages, knownRun: known)
    }

    /// Ends a follow early: its stream's last event is ``RunEvent/ended(status:reason:error:)`` with reason
    /// `unfollowed`. Returns false when it had already ended.
    @discardableResult
    package func unfollow(_ subscription: UInt64) async -> Bool {
        await scheduler().unsubscribe(subscription)
    }

    /// Runs a Duvo call, carrying its failure whole as ``RunOperationError/duvo(_:)``.
    private func duvo<T: Sendable>(_ body: () async throws(DuvoAPIError) -> T) async throws(RunOperationError) -> T {
        do {
            return try await body()
        } catch {
            throw .duvo(error)
        }
    }
}
