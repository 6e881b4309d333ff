import Diagnostics
import JSONCore

/// Watches runs for every follow and wait in the process, sharing one poll per run among all who watch it.
///
/// Two modes, chosen by how many runs are watched:
/// - **Per-run polls** (one or two runs, or an API that cannot list runs): each poll reads the run, then the messages
///   after the last one reported, so all of a run's messages are reported before its terminal status. Polls are
///   spaced by the run's age and activity (``PollTuning``).
/// - **Team-wide sweeps** (``PollTuning/sweepThreshold`` runs or more on API v2): one listing of the team's runs by
///   `updated_at` every couple of seconds tells every watched run's status and whether it changed, 100 runs per
///   request. Status changes are reported from the listing at once; a run waiting for a person is read for its
///   request; messages are fetched only for runs that changed, oldest news first, paced by the budget. A terminal
///   status may so be reported before the run's last messages; the subscription ends after them.
///
/// In both modes each message is reported exactly once, in order, and ``RunEvent/ended(status:reason:error:)`` is the
/// last event. Everything draws on the process's one ``RateBudget``: sweeps and status reads ahead of all else,
/// message fetches at the background share, so many follows slow their messages down instead of hitting 429s.
public actor PollScheduler {
    /// A handle on one subscription: its id (for ``unsubscribe(_:)``) and its events.
    public struct Subscription: Sendable {
        /// The subscription's id, unique in this process.
        public let id: UInt64
        /// The run's events; finishes after ``RunEvent/ended(status:reason:error:)``.
        public let events: AsyncStream<RunEvent>
    }

    let client: DuvoClient
    let tuning: PollTuning
    let logger: Logger
    var runs: [String: WatchedRun] = [:]
    private var runOfSubscription: [UInt64: String] = [:]
    private var nextID: UInt64 = 1
    private var driver: Task<Void, Never>?
    private var isShutDown = false
    /// Per-run polls under way.
    private var pollsRunning = 0
    /// Message-only fetches under way (sweep mode).
    var fetchesRunning = 0
    var sweep = SweepState()

    /// What the team-wide sweeps know: when the next is due and the newest `updated_at` the last one saw.
    struct SweepState {
        var nextDue: Double = 0
        var inFlight = false
        /// The newest `updated_at` (seconds since the epoch) any sweep listed: the server's clock had reached it.
        var highWater: Double?
        /// Sweeps failed in a row (after the client's own retries).
        var failures = 0
        /// The pause after the last sweep (0 before the first).
        var interval: Double = 0
        /// Sweeps started so far; a sweep's number is the count before it started.
        var started = 0
        /// Every run (watched or not) the sweeps listed lately, as listed and when: such a run certainly exists.
        var recentlyListed: [String: (at: Double, run: JSONValue)] = [:]
        /// Callers of ``listedBySweeps(_:)`` waiting for a sweep numbered `sweep` or later.
        var existenceWaiters: [(sweep: Int, runID: String, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    /// A scheduler polling through `client`.
    public init(client: DuvoClient, tuning: PollTuning = PollTuning(), logger: Logger) {
        self.client = client
        self.tuning = tuning
        self.logger = logger
    }

    /// Starts watching `runID`, reporting messages from position `offset` on (when `messages`) and status changes.
    ///
    /// The first event is the run's current status (previous nil); in per-run mode it comes after any messages
    /// already there, under sweeps it may come before them. `knownRun` is the run as Duvo just returned it (say,
    /// the answer that started it): under sweeps it stands for the first look, as a recent sweep's listing does.
    public func subscribe(runID: String, fromOffset offset: Int = 0, messages: Bool = true,
                          knownRun: JSONValue? = nil) -> Subscription {
        let id = nextID
        nextID += 1
        let (stream, continuation) = AsyncStream.makeStream(of: RunEvent.self, bufferingPolicy: .unbounded)
        if isShutDown {
            continuation.yield(.ended(status: nil, reason: .shutdown, error: nil))
            continuation.finish()
            return Subscription(id: id, events: stream)
        }
        let now = MonotonicClock.now()
        let isNew = runs[runID] == nil
        var run = runs[runID] ?? WatchedRun(runID: runID, now: now)
        run.subscribers[id] = WatchedRun.Subscriber(continuation: continuation, nextIndex: max(0, offset),
                                                    wantsMessages: messages, lastStatus: nil)
        run.statusPending = true
        run.nextDue = now
        runs[runID] = run
        runOfSubscription[id] = runID
        let underSweeps = isNew && sweepsAreReliable
        if underSweeps {
            // A run that changed lately is in the next sweep's listing, which tells its status for free; only a run
            // the sweeps do not list in time gets its own first poll.
            runs[runID]?.nextDue = now + max(tuning.firstLookGrace * tuning.scale, 2.5 * sweep.interval)
        }
        if underSweeps, let listing = sweep.recentlyListed[runID]?.run ?? knownRun {
            // A first look for free: every change after it is in the next sweep. (A run already watched gets its own
            // read instead, for the new subscriber's messages.)
            absorb(listing, runID: runID, now: now)
        }
        ensureDriver()
        return Subscription(id: id, events: stream)
    }

    /// Ends a subscription early; its stream gets `ended(reason: unfollowed)`.
    /// - Returns: false when the subscription had already ended.
    @discardableResult
    public func unsubscribe(_ id: UInt64) -> Bool {
        guard let runID = runOfSubscription.removeValue(forKey: id),
              let subscriber = runs[runID]?.subscribers.removeValue(forKey: id) else { return false }
        subscriber.continuation.yield(.ended(status: runs[runID]?.lastStatus, reason: .unfollowed, error: nil))
        subscriber.continuation.finish()
        if runs[runID]?.subscribers.isEmpty == true { runs[runID] = nil }
        return true
    }

    /// Ends every subscription with reason `shutdown` and stops polling.
    public func shutdown() {
        isShutDown = true
        answerExistenceWaiters(completed: nil)
        for (runID, run) in runs {
            for (id, subscriber) in run.subscribers {
                subscriber.continuation.yield(.ended(status: run.lastStatus, reason: .shutdown, error: nil))
                subscriber.continuation.finish()
                runOfSubscription[id] = nil
            }
            runs[runID] = nil
        }
        driver?.cancel()
        driver = nil
    }

    /// Whether team-wide sweeps show that `runID` exists, so that a caller need not read it: true when a sweep listed
    /// it lately or the next sweep to start lists it (a wait of one sweep interval, a couple of seconds); false when
    /// sweeps are not in use, or fail, or do not list it (a run that has not changed lately), and the caller must ask.
    public func listedBySweeps(_ runID: String) async -> Bool {
        guard sweepsAreReliable, !isShutDown else { return false }
        if sweep.recentlyListed[runID] != nil { return true }
        let needed = sweep.started
        return await withCheckedContinuation { continuation in
            sweep.existenceWaiters.append((needed, runID, continuation))
        }
    }

    /// Answers the callers of ``listedBySweeps(_:)``: after the sweep numbered `completed`, those it covers, by its
    /// listing; with `completed` nil (sweeps stopped or failed), all of them with false.
    func answerExistenceWaiters(completed: Int?) {
        guard !sweep.existenceWaiters.isEmpty else { return }
        var waiting: [(sweep: Int, runID: String, continuation: CheckedContinuation<Bool, Never>)] = []
        for waiter in sweep.existenceWaiters {
            if let completed, waiter.sweep > completed {
                waiting.append(waiter)
            } else {
                waiter.continuation.resume(returning: completed != nil && sweep.recentlyListed[waiter.runID] != nil)
            }
        }
        sweep.existenceWaiters = waiting
    }

    /// How many runs are being watched (for stats and tests).
    public func watchedRunCount() -> Int { runs.count }

    // MARK: - Driving the polls

    private func ensureDriver() {
        guard driver == nil else { return }
        driver = Task { [weak self] in
            while let self, await self.tick() {}
        }
    }

    /// Starts the sweep, polls and fetches that are due; returns false when there is nothing left to watch.
    private func tick() async -> Bool {
        if isShutDown || runs.isEmpty {
            driver = nil
            return false
        }
        let now = MonotonicClock.now()
        if usesSweeps {
            if !sweep.inFlight && sweep.nextDue <= now {
                sweep.inFlight = true
                Task { await self.runSweep() }
            }
        } else {
            // Fewer runs than sweeps are worth: runs the sweeps watched go back to their own polls at once.
            returnToOwnPolls(dueBy: now)
            answerExistenceWaiters(completed: nil)
        }
        // Polls that report a status first, then by how long they have been due.
        let duePolls = runs.values.filter { $0.pollIsDue(at: now) }
            .sorted { ($0.statusPending ? 0 : 1, $0.nextDue) < ($1.statusPending ? 0 : 1, $1.nextDue) }
        for run in duePolls.prefix(max(0, tuning.concurrency - pollsRunning)) {
            runs[run.runID]?.pollInFlight = true
            pollsRunning += 1
            Task { await self.poll(run.runID) }
        }
        // Oldest news first: under load a run's messages wait their turn and arrive together. A run that ended needs
        // just this one fetch more, so its turn comes sooner.
        let dueFetches = runs.values.filter { $0.messageFetchIsDue(at: now) }
            .sorted { fetchOrder($0) < fetchOrder($1) }
        for run in dueFetches.prefix(max(0, tuning.fetchConcurrency - fetchesRunning)) {
            runs[run.runID]?.pollInFlight = true
            fetchesRunning += 1
            Task { await self.fetchMessages(run.runID) }
        }
        let pause = min(tuning.tick, max(0.002, nextWake(after: now) - now))
        try? await Task.sleep(nanoseconds: UInt64(pause * 1e9))
        return !Task.isCancelled
    }

    /// When a run's message fetch is due in the queue: its oldest news, moved forward for a run that ended.
    private func fetchOrder(_ run: WatchedRun) -> Double {
        let since = run.staleMessages?.since ?? 0
        return run.terminalStatus == nil ? since : since - tuning.finalFetchHeadStart * tuning.scale
    }

    /// The earliest moment something not yet under way falls due.
    private func nextWake(after now: Double) -> Double {
        var wake = now + tuning.tick
        if usesSweeps && !sweep.inFlight { wake = min(wake, sweep.nextDue) }
        for run in runs.values where !run.pollInFlight {
            if run.statusPending || !run.seenInSweep { wake = min(wake, run.nextDue) }
            if run.seenInSweep, let stale = run.staleMessages { wake = min(wake, stale.notBefore) }
        }
        return wake
    }

    /// Hands every run the sweeps watched back to its own polls (which read its messages too), the next due by
    /// `dueBy` at the latest.
    func returnToOwnPolls(dueBy: Double) {
        for (id, run) in runs where run.seenInSweep {
            runs[id]?.seenInSweep = false
            runs[id]?.staleMessages = nil
            runs[id]?.nextDue = min(run.nextDue, dueBy)
        }
    }

    /// Whether team-wide sweeps watch the runs: the API can list them and enough runs are watched to be worth it.
    var usesSweeps: Bool {
        client.canListRuns && runs.count >= tuning.sweepThreshold
    }

    /// Reads one run (and, in per-run mode, its new messages) and reports what changed.
    private func poll(_ runID: String) async {
        defer {
            pollsRunning -= 1
            runs[runID]?.pollInFlight = false
        }
        guard let before = runs[runID] else { return }
        // A poll that will report a status goes first; routine per-run polls get the background share, so under
        // load statuses are not stuck behind them.
        let priority: RateBudget.Priority = before.statusPending ? .status : .background
        let highWaterAtStart = sweep.highWater
        do {
            let snapshot = try await client.getRun(runID, priority: priority)
            let run = snapshot["run"] ?? .null
            let status = run["status"]?.stringValue ?? "unknown"
            let updatedAt = run["updated_at"]?.stringValue
            let sweepMode = before.seenInSweep
            var serverDate: Double?
            if !sweepMode, runs[runID]?.lowestWantedIndex != nil {
                serverDate = try await deliverMessages(runID, priority: priority)
            }
            guard var current = runs[runID] else { return }
            if let read = updatedAt.flatMap(RunStatistics.parseDate),
               let known = current.lastUpdatedAt.flatMap(RunStatistics.parseDate), read < known {
                // A sweep listed something newer while this read was under way: it stands.
                current.statusPending = false
                runs[runID] = current
                return
            }
            let changed = status != current.lastStatus || updatedAt != current.lastUpdatedAt
            current.lastStatus = status
            current.lastUpdatedAt = updatedAt
            current.statusPending = false
            current.consecutiveFailures = 0
            Self.report(status: status, run: run, pending: snapshot["pending_human_request"] ?? .null, to: &current)
            let now = MonotonicClock.now()
            let terminal = RunStatus(rawValue: status).isTerminal
            if sweepMode {
                // Sweeps watch it; its messages are fetched in their turn.
                if changed || current.staleMessages == nil { current.markStale(updatedAt: updatedAt, now: now) }
                if terminal { current.terminalStatus = status }
            } else if sweepsAreReliable && !terminal {
                // Sweeps are on: every later change of this run is in the first sweep after it, so its own polls
                // can stop. Messages written in the second this poll read them are checked once more.
                current.seenInSweep = true
                scheduleConfirmation(&current, updatedAt: updatedAt, serverDate: serverDate,
                                     highWaterAtStart: highWaterAtStart, now: now)
            } else {
                current.nextDue = now + tuning.interval(age: now - current.firstWatched, changed: changed)
            }
            runs[runID] = current
            if terminal && (!sweepMode || current.lowestWantedIndex == nil) {
                end(runID, status: status, reason: .terminal, error: nil)
            }
        } catch {
            handle(error, runID: runID) { run, backoff in run.nextDue = MonotonicClock.now() + backoff }
        }
    }

    /// Fetches the messages after the lowest position anyone still needs and hands each to those waiting for it.
    /// - Returns: the server's clock when it answered the first page (nil without a `Date`, or nothing to fetch).
    @discardableResult
    func deliverMessages(_ runID: String, priority: RateBudget.Priority) async throws(DuvoAPIError) -> Double? {
        let pageSize = client.maxMessagePageSize
        var firstServerDate: Double?
        var isFirst = true
        while let from = runs[runID]?.lowestWantedIndex {
            let answer = try await client.datedMessages(runID, limit: pageSize, offset: from, priority: priority)
            if isFirst { firstServerDate = answer.serverDate }
            isFirst = false
            let page = answer.body
            let batch = page["messages"]?.arrayValue ?? []
            guard var current = runs[runID] else { return firstServerDate }
            for (offset, message) in batch.enumerated() {
                let index = from + offset
                for (id, subscriber) in current.subscribers where subscriber.wantsMessages && subscriber.nextIndex == index {
                    subscriber.continuation.yield(.message(index: index, message: message))
                    current.subscribers[id]?.nextIndex = index + 1
                }
            }
            runs[runID] = current
            let total = page["total"]?.intValue ?? (from + batch.count)
            if batch.count < pageSize || from + batch.count >= total { break }
        }
        return firstServerDate
    }

    /// Messages read while the run's `updated_at` second was not yet over may have been followed by more in that
    /// same second, which a listing cannot tell apart (timestamps have whole seconds): fetch once more after it.
    /// The read's own `Date` tells whether that second was over (else the newest `updated_at` sweeps had seen).
    func scheduleConfirmation(_ run: inout WatchedRun, updatedAt: String?, serverDate: Double?,
                              highWaterAtStart: Double?, now: Double) {
        guard run.lowestWantedIndex != nil, run.terminalStatus == nil, run.staleMessages == nil else { return }
        let updated = updatedAt.flatMap(RunStatistics.parseDate)
        if let updated, let serverDate, serverDate > updated { return }
        if let updated, let highWaterAtStart, highWaterAtStart > updated { return }
        run.markStale(updatedAt: updatedAt, now: now, notBefore: now + tuning.confirmationDelay * tuning.scale)
    }

    /// Reports `status` to each subscriber of `watched` that has not had it (or, while waiting, this request) yet.
    static func report(status: String, run: JSONValue, pending: JSONValue, to watched: inout WatchedRun) {
        let requestID = pending["id"]?.stringValue
        for (id, subscriber) in watched.subscribers
        where subscriber.lastStatus != status || (requestID != nil && subscriber.lastRequestID != requestID) {
            subscriber.continuation.yield(.status(status: status, previous: subscriber.lastStatus, run: run,
                                                  pendingHumanRequest: pending))
            watched.subscribers[id]?.lastStatus = status
            watched.subscribers[id]?.lastRequestID = requestID
        }
    }

    /// Deals with a failed poll or fetch: ends the follows when Duvo will not tell more, else backs off via `retry`.
    func handle(_ error: DuvoAPIError, runID: String, retry: (inout WatchedRun, Double) -> Void) {
        switch error {
        case .cancelled:
            return
        case .notFound, .unauthorized, .forbidden, .notConfigured, .unsupported, .rejected:
            logger.warning("follow of \(runID) ended: \(error.message)")
            end(runID, status: runs[runID]?.lastStatus, reason: .error, error: error)
        default:
            guard var current = runs[runID] else { return }
            current.consecutiveFailures += 1
            let backoff = min(30, tuning.activeInterval * tuning.scale * Double(1 << min(current.consecutiveFailures, 5)))
            retry(&current, backoff)
            runs[runID] = current
            logger.debug("poll of \(runID) failed (\(error.message)); next try in \(backoff) s")
        }
    }

    /// Ends every subscription of `runID` with `reason`, and stops watching it.
    func end(_ runID: String, status: String?, reason: FollowEndReason, error: DuvoAPIError?) {
        guard let run = runs.removeValue(forKey: runID) else { return }
        for (id, subscriber) in run.subscribers {
            subscriber.continuation.yield(.ended(status: status, reason: reason, error: error))
            subscriber.continuation.finish()
            runOfSubscription[id] = nil
        }
    }
}
