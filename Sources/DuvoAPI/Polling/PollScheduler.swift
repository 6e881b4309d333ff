import Diagnostics
import JSONCore

/// Watches runs for every follow and wait in the process, sharing one poll per run among all who watch it.
///
/// Each poll reads the run, then (when someone wants messages) the messages after the last one reported, so when a
/// terminal status is seen every message is already in hand: all of a run's messages are reported before its
/// terminal status, each exactly once, in order. Polls are spaced by the run's age and activity (``PollTuning``) and
/// draw on the background share of the process's ``RateBudget``, so many follows slow down instead of hitting 429s.
public actor PollScheduler {
    /// A handle on one subscription: its id (for ``unsubscribe(_:)``) and its events.
    public struct Subscription: Sendable {
        /// The subscription's id, unique in this process.
        public let id: UInt64
        /// The run's events; finishes after ``RunEvent/ended(status:reason:error:)``.
        public let events: AsyncStream<RunEvent>
    }

    private let client: DuvoClient
    private let tuning: PollTuning
    private let logger: Logger
    private var runs: [String: WatchedRun] = [:]
    private var runOfSubscription: [UInt64: String] = [:]
    private var nextID: UInt64 = 1
    private var driver: Task<Void, Never>?
    private var isShutDown = false
    private var pollsRunning = 0
    private var sweep = SweepState()

    /// What the team-wide sweeps know: when the next is due and the newest `updated_at` the last one saw.
    private struct SweepState {
        var nextDue: Double = 0
        var inFlight = false
        var highWater: Double?
        var count = 0
    }

    /// A scheduler polling through `client`.
    public init(client: DuvoClient, tuning: PollTuning = PollTuning(), logger: Logger) {
        self.client = client
        self.tuning = tuning
        self.logger = logger
    }

    /// Starts watching `runID`, reporting messages from position `offset` on (when `messages`) and status changes.
    ///
    /// The first event is the run's current status (previous nil), after any messages already there.
    public func subscribe(runID: String, fromOffset offset: Int = 0, messages: Bool = true) -> Subscription {
        let id = nextID
        nextID += 1
        let (stream, continuation) = AsyncStream.makeStream(of: RunEvent.self, bufferingPolicy: .unbounded)
        if isShutDown {
            continuation.yield(.ended(status: nil, reason: .shutdown, error: nil))
            continuation.finish()
            return Subscription(id: id, events: stream)
        }
        let now = MonotonicClock.now()
        var run = runs[runID] ?? WatchedRun(runID: runID, now: now)
        run.subscribers[id] = WatchedRun.Subscriber(continuation: continuation, nextIndex: max(0, offset),
                                                    wantsMessages: messages, lastStatus: nil)
        run.nextDue = now
        runs[runID] = run
        runOfSubscription[id] = runID
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

    /// How many runs are being watched (for stats and tests).
    public func watchedRunCount() -> Int { runs.count }

    // MARK: - Driving the polls

    private func ensureDriver() {
        guard driver == nil else { return }
        driver = Task { [weak self] in
            while let self, await self.tick() {}
        }
    }

    /// Starts the polls that are due; returns false when there is nothing left to watch.
    private func tick() async -> Bool {
        if isShutDown || runs.isEmpty {
            driver = nil
            return false
        }
        let now = MonotonicClock.now()
        if usesSweeps, !sweep.inFlight, sweep.nextDue <= now {
            sweep.inFlight = true
            Task { await self.runSweep() }
        } else if !usesSweeps {
            // Fewer runs than sweeps are worth: runs the sweeps watched go back to their own polls at once, instead
            // of waiting out a safety interval sized for many runs.
            for (id, run) in runs where run.seenInSweep {
                runs[id]?.seenInSweep = false
                runs[id]?.nextDue = min(run.nextDue, now)
            }
        }
        let due = runs.values.filter { !$0.pollInFlight && $0.nextDue <= now }.sorted { $0.nextDue < $1.nextDue }
        for run in due.prefix(max(0, tuning.concurrency - pollsRunning)) {
            runs[run.runID]?.pollInFlight = true
            pollsRunning += 1
            Task { await self.poll(run.runID) }
        }
        let nextDue = runs.values.filter { !$0.pollInFlight }.map(\.nextDue).min() ?? (now + 0.05)
        let pause = min(0.05, max(0.002, nextDue - now))
        try? await Task.sleep(nanoseconds: UInt64(pause * 1e9))
        return !Task.isCancelled
    }

    private func poll(_ runID: String) async {
        defer {
            pollsRunning -= 1
            runs[runID]?.pollInFlight = false
        }
        guard let before = runs[runID] else { return }
        // A poll that will report a status may use the whole allowance; one that only fetches messages gets the
        // background share, so under load statuses are not stuck behind message fetches.
        let priority: RateBudget.Priority = before.statusPending ? .interactive : .background
        if !before.statusPending, before.seenInSweep, usesSweeps, let listed = before.listedUpdatedAt {
            await pollMessagesOnly(runID, listedUpdatedAt: listed)
            return
        }
        do {
            let snapshot = try await client.getRun(runID, priority: priority)
            let run = snapshot["run"] ?? .null
            let status = run["status"]?.stringValue ?? "unknown"
            let updatedAt = run["updated_at"]?.stringValue
            let changed = status != before.lastStatus || updatedAt != before.lastUpdatedAt
            if runs[runID]?.lowestWantedIndex != nil {
                try await deliverMessages(runID, priority: priority)
            }
            guard var current = runs[runID] else { return }
            current.lastStatus = status
            current.lastUpdatedAt = updatedAt
            current.needsConfirmation = changed
            current.statusPending = false
            current.consecutiveFailures = 0
            Self.report(status: status, run: run, pending: snapshot["pending_human_request"] ?? .null, to: &current)
            let now = MonotonicClock.now()
            if usesSweeps && current.seenInSweep {
                current.nextDue = now + tuning.safetyInterval(watched: runs.count, budgetPerMinute: client.budget.limit)
            } else {
                current.nextDue = now + tuning.interval(age: now - current.firstWatched, changed: changed)
            }
            runs[runID] = current
            if RunStatus(rawValue: status).isTerminal { end(runID, status: status, reason: .terminal, error: nil) }
        } catch {
            handle(error, runID: runID)
        }
    }

    /// A sweep already told this run's status and `updated_at`; only its new messages are fetched (one request, not
    /// two), from the background share.
    private func pollMessagesOnly(_ runID: String, listedUpdatedAt: String) async {
        do {
            if runs[runID]?.lowestWantedIndex != nil { try await deliverMessages(runID, priority: .background) }
            guard var current = runs[runID] else { return }
            current.needsConfirmation = listedUpdatedAt != current.lastUpdatedAt
            current.lastUpdatedAt = listedUpdatedAt
            current.consecutiveFailures = 0
            current.nextDue = MonotonicClock.now()
                + tuning.safetyInterval(watched: runs.count, budgetPerMinute: client.budget.limit)
            runs[runID] = current
        } catch {
            handle(error, runID: runID)
        }
    }

    /// Fetches the messages after the lowest position anyone still needs and hands each to those waiting for it.
    private func deliverMessages(_ runID: String, priority: RateBudget.Priority) async throws(DuvoAPIError) {
        let pageSize = client.maxMessagePageSize
        while let from = runs[runID]?.lowestWantedIndex {
            let page = try await client.messages(runID, limit: pageSize, offset: from, priority: priority)
            let batch = page["messages"]?.arrayValue ?? []
            guard var current = runs[runID] else { return }
            for (offset, message) in batch.enumerated() {
                let index = from + offset
                for (id, subscriber) in current.subscribers where subscriber.wantsMessages && subscriber.nextIndex == index {
                    subscriber.continuation.yield(.message(index: index, message: message))
                    current.subscribers[id]?.nextIndex = index + 1
                }
            }
            runs[runID] = current
            let total = page["total"]?.intValue ?? (from + batch.count)
            if batch.count < pageSize || from + batch.count >= total { return }
        }
    }

    /// Reports `status` to each subscriber of `run` that has not had it yet.
    private static func report(status: String, run: JSONValue, pending: JSONValue, to watched: inout WatchedRun) {
        for (id, subscriber) in watched.subscribers where subscriber.lastStatus != status {
            subscriber.continuation.yield(.status(status: status, previous: subscriber.lastStatus, run: run,
                                                  pendingHumanRequest: pending))
            watched.subscribers[id]?.lastStatus = status
        }
    }

    /// How long a run whose only news is new messages waits for its poll, so that message fetches for all watched
    /// runs together use at most half the background allowance, leaving the rest for sweeps and for the polls that
    /// report statuses (a terminal status must wait for its messages, so those polls must never queue for long).
    private var messagePollSpread: Double {
        let allowance = client.budget.limit > 0 ? Double(client.budget.allowance(for: .background)) : 0
        let share = allowance > 0 ? Double(runs.count) * 60 / (allowance * 0.5) : 0
        return max(tuning.activeInterval * tuning.scale, share)
    }

    /// Whether team-wide sweeps watch the runs: the API can list them and enough runs are watched to be worth it.
    private var usesSweeps: Bool {
        client.canListRuns && runs.count >= tuning.sweepThreshold
    }

    /// Lists the team's runs by `updated_at`, newest first, down to what the previous sweep already saw, and makes
    /// every watched run that changed since due for a poll. One request covers up to 100 runs, so a thousand quiet
    /// follows cost a request every couple of seconds instead of hundreds.
    private func runSweep() async {
        defer {
            sweep.inFlight = false
            sweep.nextDue = MonotonicClock.now() + tuning.sweepInterval * tuning.scale
        }
        let floor = sweep.highWater
        var newest = floor
        var offset = 0
        var pages = 0
        do {
            while pages < tuning.maxSweepPages {
                let filter = RunListFilter(limit: 100, offset: offset, sortBy: "updated_at", sortOrder: "desc")
                // A sweep is the cheapest news there is (one request, up to 100 runs), so it may use the whole
                // allowance rather than queue behind the per-run polls it schedules.
                let page = try await client.listRuns(filter, priority: .interactive)
                pages += 1
                let data = page["data"]?.arrayValue ?? []
                var reachedSeen = false
                for listed in data {
                    let updated = listed["updated_at"]?.stringValue.flatMap(RunStatistics.parseDate)
                    if let updated { newest = max(newest ?? updated, updated) }
                    if let floor, let updated, updated < floor { reachedSeen = true }
                    guard let id = listed["id"]?.stringValue, var run = runs[id] else { continue }
                    let now = MonotonicClock.now()
                    let status = listed["status"]?.stringValue ?? "unknown"
                    let kind = RunStatus(rawValue: status)
                    let news = listed["updated_at"]?.stringValue != run.lastUpdatedAt || run.needsConfirmation
                    run.listedUpdatedAt = listed["updated_at"]?.stringValue
                    if !run.seenInSweep || run.lastStatus == nil || kind.isTerminal || kind.needsAttention {
                        // A first look, an end (its messages come first) or a wait for a person (its request must be
                        // read): these need the run's own poll, now.
                        if status != run.lastStatus || news || !run.seenInSweep {
                            run.nextDue = min(run.nextDue, now)
                            run.statusPending = run.statusPending || status != run.lastStatus || run.lastStatus == nil
                        }
                    } else {
                        if status != run.lastStatus {
                            // The listing is the run itself: report the change now, without spending a request.
                            Self.report(status: status, run: listed, pending: .null, to: &run)
                            run.lastStatus = status
                        }
                        if news { run.nextDue = min(run.nextDue, now + messagePollSpread) }
                    }
                    run.seenInSweep = true
                    runs[id] = run
                }
                offset += data.count
                let total = page["total"]?.intValue ?? offset
                if data.isEmpty || reachedSeen || offset >= total { break }
            }
            sweep.highWater = newest
            sweep.count += 1
        } catch {
            logger.debug("sweep failed (\(error.message)); per-run polls carry on")
            for (id, run) in runs where run.seenInSweep {
                runs[id]?.seenInSweep = false
                runs[id]?.nextDue = min(run.nextDue, MonotonicClock.now() + tuning.activeInterval * tuning.scale)
            }
        }
    }

    /// How many sweeps have completed (for tests and benchmarks).
    public func sweepCount() -> Int { sweep.count }

    private func handle(_ error: DuvoAPIError, runID: String) {
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
            current.nextDue = MonotonicClock.now() + backoff
            runs[runID] = current
            logger.debug("poll of \(runID) failed (\(error.message)); next try in \(backoff) s")
        }
    }

    private func end(_ runID: String, status: String?, reason: FollowEndReason, error: DuvoAPIError?) {
        guard let run = runs.removeValue(forKey: runID) else { return }
        for (id, subscriber) in run.subscribers {
            subscriber.continuation.yield(.ended(status: status, reason: reason, error: error))
            subscriber.continuation.finish()
            runOfSubscription[id] = nil
        }
    }
}
