import DuvoAPI
import JSONCore

/// The poll scheduler's logic, with no clock, no I/O and no tasks: ``step(_:now:)`` takes an event and the time and
/// returns what to do (requests to make, events to hand to subscribers). ``PollScheduler`` drives it.
///
/// Each watched run is in one ``WatchedRun/Phase``: `polled` (its own polls), `swept` (team-wide sweeps watch it,
/// its messages are fetched when they report news) or `ending` (sweeps reported its terminal status; one more
/// fetch delivers the last messages). At most one request per run is under way, and one sweep.
///
/// Why sweeps see every change: a sweep lists the team's runs by `updated_at`, newest first, down to the newest
/// `updated_at` the previous successful sweep saw (the same second included). Every change bumps `updated_at`, so
/// a change is in the first sweep that starts after it, and a failed sweep leaves that floor where it was.
package struct PollCore {
    let tuning: PollTuning
    /// Whether the API can list the team's runs (the precondition of sweeps).
    let canListRuns: Bool
    /// The largest page of messages one request asks for.
    let pageSize: Int
    /// Requests per minute (0: unknown), which spaces sweeps out.
    let rateLimit: Int
    var runs: [String: WatchedRun] = [:]
    var runOfSubscription: [UInt64: String] = [:]
    /// Subscriptions whose subscriber stopped reading, taken off their runs until it catches up (see
    /// ``pause(_:effects:)``).
    var paused: [UInt64: PausedSubscriber] = [:]
    var sweep = SweepState()
    /// Sweeps shared with the other processes on the key (nil: this process sweeps for itself alone).
    var sharing: SweepSharing?
    /// Webhook events for the runs this process starts (nil: not configured, every run is polled as ever).
    var push: PushState?
    private(set) var isShutDown = false
    private var nextTicket: UInt64 = 1

    /// A core with these settings and nothing watched. With `sharedSweeps`, the team-wide sweeps are shared with the
    /// other processes on the key (see ``SweepSharing``): this one sweeps only while it holds the lease.
    /// With `webhooks`, runs this process starts get its webhook and hints arrive (see ``PushState``).
    package init(tuning: PollTuning, canListRuns: Bool, pageSize: Int, rateLimit: Int, sharedSweeps: Bool = false,
                 webhooks: Bool = false) {
        self.tuning = tuning
        self.canListRuns = canListRuns
        self.pageSize = pageSize
        self.rateLimit = rateLimit
        sharing = sharedSweeps ? SweepSharing() : nil
        push = webhooks ? PushState() : nil
    }

    /// Whether sweeps, once started, go on while anything is watched (sweeps shared with other processes: the
    /// team's sweeps are cheaper for all than per-run polls, however few runs this process follows).
    var stickySweeps: Bool { sharing != nil }

    /// Whether this process may sweep: alone it always may; sharing sweeps, while it leads.
    var mayLead: Bool { sharing?.leads ?? true }

    /// Takes in `event` at `now` (monotonic seconds) and returns what must happen, in order.
    package mutating func step(_ event: PollEvent, now: Double) -> [PollEffect] {
        var effects: [PollEffect] = []
        expireLease(now: now, effects: &effects)
        switch event {
        case .subscribed(let id, let runID, let offset, let messages, let knownRun):
            subscribe(id: id, runID: runID,
                      subscriber: WatchedRun.Subscriber(nextIndex: max(0, offset), wantsMessages: messages),
                      knownRun: knownRun, now: now, effects: &effects)
        case .unsubscribed(let id):
            unsubscribe(id, effects: &effects)
        case .unread(let id, let backlog):
            if backlog { pause(id, effects: &effects) } else { resume(id, now: now, effects: &effects) }
        case .tick:
            startWhatIsDue(now: now, effects: &effects)
        case .answered(let request, let answer):
            take(answer, to: request, now: now, effects: &effects)
        case .failed(let request, let error):
            take(error, of: request, now: now, effects: &effects)
        case .leaseAnswered(let leads):
            takeLease(leads, now: now, effects: &effects)
        case .publicationsRead(let snapshot, let wallNow):
            takePublications(snapshot, wallNow: wallNow, now: now, effects: &effects)
        case .othersOnKey(let others):
            takeKeyUse(othersOnKey: others, now: now, effects: &effects)
        case .sharingFailed(let error):
            sharingFailed(error, now: now, effects: &effects)
        case .shutdown:
            shutDown(effects: &effects)
        case .pushExpected(let runID):
            expectPush(runID)
        case .hinted(let runID, let endsRun):
            takeHint(runID, endsRun: endsRun, now: now, effects: &effects)
        case .eventBus(let health):
            takeBusHealth(health, now: now, effects: &effects)
        }
        driveSharing(now: now, effects: &effects)
        return effects
    }

    /// How many runs are watched.
    package var watchedRunCount: Int { runs.count }

    /// Whether nothing is left to drive: shut down, or nothing watched.
    package var isIdle: Bool { isShutDown || runs.isEmpty }

    /// Whether team-wide sweeps watch the runs: the API can list them and enough runs are watched to be worth it.
    var usesSweeps: Bool {
        canListRuns && !runs.isEmpty && (runs.count >= tuning.sweepThreshold || sweep.engaged)
    }

    /// Whether enough runs are watched for team-wide sweeps (this process's own, or another's it takes in).
    package var wantsSweeps: Bool { !isIdle && usesSweeps }

    /// Whether sweeps are in use and working, so a run's own polls can stop once it has been read.
    package var sweepsAreReliable: Bool {
        usesSweeps && sweep.failures < tuning.sweepFailuresBeforeFallback
    }

    /// What the core knows of `runID` and what its request lane is doing, while it is watched.
    package func watched(_ runID: String) -> WatchedRun? { runs[runID] }

    /// Sweeps started so far (the next sweep's number).
    package var sweepsStarted: Int { sweep.started }

    /// Whether a sweep listed `runID` lately.
    package func wasListed(_ runID: String) -> Bool { sweep.recentlyListed[runID] != nil }

    mutating func takeTicket() -> UInt64 {
        defer { nextTicket += 1 }
        return nextTicket
    }

    // MARK: - Subscriptions

    /// Watches `runID` for `subscriber` (new, or resumed where it stopped).
    mutating func subscribe(id: UInt64, runID: String, subscriber: WatchedRun.Subscriber, knownRun: Run?,
                            now: Double, effects: inout [PollEffect]) {
        if isShutDown {
            effects.append(.emit(subscription: id, .ended(status: nil, reason: .shutdown, error: nil)))
            return
        }
        if runs.isEmpty { sweep.engaged = false }
        let isNew = runs[runID] == nil
        var run = runs[runID] ?? WatchedRun(runID: runID, now: now)
        if push?.expected.remove(runID) != nil { run.pushed = true }
        run.subscribers[id] = subscriber
        run.needsStatusRead(at: now)
        runs[runID] = run
        runOfSubscription[id] = runID
        let underSweeps = isNew && sweepsAreReliable
        if underSweeps {
            // A run that changed lately is in the next sweep's listing, which tells its status for free; only a run
            // the sweeps do not list in time gets its own first poll.
            runs[runID]?.awaitListing(by: sweep.started + tuning.firstLookSweeps - 1,
                                      due: now + max(tuning.firstLookGrace * tuning.scale, 2.5 * sweep.interval))
        }
        if underSweeps, let listing = sweep.recentlyListed[runID]?.run ?? knownRun {
            // A first look for free: every change after it is in the next sweep. (A run already watched gets its own
            // read instead, for the new subscriber's messages.)
            absorb(listing, runID: runID, now: now, effects: &effects)
        } else if isNew, !underSweeps, let knownRun,
                  !knownRun.status.needsAttention {
            // Polled: the caller's read is as good as the first poll's own (a run waiting for a person is read again,
            // for its request).
            runs[runID]?.keep(known: RunRead(run: knownRun))
        }
    }

    private mutating func unsubscribe(_ id: UInt64, effects: inout [PollEffect]) {
        if let held = paused.removeValue(forKey: id) {
            runOfSubscription[id] = nil
            effects.append(.emit(subscription: id, .ended(status: held.subscriber.lastStatus, reason: .unfollowed,
                                                          error: nil)))
            return
        }
        guard let runID = runOfSubscription.removeValue(forKey: id),
              runs[runID]?.subscribers.removeValue(forKey: id) != nil else { return }
        effects.append(.emit(subscription: id, .ended(status: runs[runID]?.lastStatus, reason: .unfollowed,
                                                      error: nil)))
        if runs[runID]?.subscribers.isEmpty == true { runs[runID] = nil }
    }

    private mutating func shutDown(effects: inout [PollEffect]) {
        isShutDown = true
        effects.append(.sweepSettled(completed: nil))
        for run in runs.values {
            for id in run.subscribers.keys.sorted() {
                effects.append(.emit(subscription: id, .ended(status: run.lastStatus, reason: .shutdown, error: nil)))
            }
        }
        for (id, held) in paused.sorted(by: { $0.key < $1.key }) {
            effects.append(.emit(subscription: id, .ended(status: held.subscriber.lastStatus, reason: .shutdown,
                                                          error: nil)))
        }
        paused = [:]
        runs = [:]
        runOfSubscription = [:]
        sweep.current = nil
    }

    /// Whether `id` is a live subscription.
    package func isSubscribed(_ id: UInt64) -> Bool { runOfSubscription[id] != nil }

    // MARK: - What is due

    private mutating func startWhatIsDue(now: Double, effects: inout [PollEffect]) {
        guard !isIdle else { return }
        checkMissedEvents(now: now, effects: &effects)
        readWaitingHints(now: now)
        if stickySweeps && usesSweeps { sweep.engaged = true }
        if usesSweeps {
            if mayLead && sweep.current == nil && nextSweepDue <= now {
                startSweep(now: now, effects: &effects)
            }
        } else {
            // Fewer runs than sweeps are worth: runs the sweeps watched go back to their own polls at once.
            returnToOwnPolls(dueBy: now)
            effects.append(.sweepSettled(completed: nil))
        }
        let pollsRunning = runs.values.filter { if case .poll = $0.inFlight { true } else { false } }.count
        let duePolls = runs.values.filter { $0.pollIsDue(at: now) && !awaitsListing($0, now: now) }
            .sorted { pollOrder($0) < pollOrder($1) }
        for run in duePolls.prefix(max(0, tuning.concurrency - pollsRunning)) {
            startPoll(run.runID, now: now, effects: &effects)
        }
        startStatusReads(now: now, effects: &effects)
        // Oldest news first: under load a run's messages wait their turn and arrive together. A run that ended needs
        // just this one fetch more, so its turn comes sooner.
        let fetchesRunning = runs.values.filter { if case .fetch = $0.inFlight { true } else { false } }.count
        let dueFetches = runs.values.filter { $0.messageFetchIsDue(at: now) }
            .sorted { (fetchOrder($0), $0.runID) < (fetchOrder($1), $1.runID) }
        for run in dueFetches.prefix(max(0, tuning.fetchConcurrency - fetchesRunning)) {
            startFetch(run.runID, effects: &effects)
        }
    }

    /// Whether a run newly watched under sweeps still waits for them to list it (its first look for free) rather than
    /// getting a read of its own: until ``PollTuning/firstLookSweeps`` sweeps completed after it was watched, however
    /// slowly they come (with many processes on a key the budget spaces them out, and reads of every run's own would
    /// only make them slower), up to ``PollTuning/firstLookPatience``.
    func awaitsListing(_ run: WatchedRun, now: Double) -> Bool {
        guard let due = run.awaitedSweep, sweepsAreReliable else { return false }
        return sweep.completed < due && now < run.firstWatched + tuning.firstLookPatience * tuning.scale
    }

    /// Where a run's read goes in the queue: a read that reports a status first, then by how long it has been due.
    private func pollOrder(_ run: WatchedRun) -> (Int, Double, String) {
        (run.next.statusPending ? 0 : 1, run.next.due, run.runID)
    }

    /// When a run's message fetch is due in the queue: its oldest news, moved forward for a run that ended.
    private func fetchOrder(_ run: WatchedRun) -> Double {
        let since = run.news?.since ?? 0
        return run.endingStatus == nil ? since : since - tuning.finalFetchHeadStart * tuning.scale
    }

    /// The earliest moment after `now` something not yet under way falls due (at most one tick away).
    package func nextWake(after now: Double) -> Double {
        var wake = now + tuning.tick
        if usesSweeps && mayLead && sweep.current == nil { wake = min(wake, nextSweepDue) }
        if let due = sharing?.nextWake { wake = min(wake, due) }
        for run in runs.values where run.inFlight == nil {
            if (run.next.statusPending || !run.isSwept) && !awaitsListing(run, now: now) {
                wake = min(wake, run.next.due)
            }
            if let news = run.news { wake = min(wake, news.notBefore) }
            if case .inListing(let until) = run.pendingHint { wake = min(wake, until) }
        }
        for run in runs.values where waitsForStatusBesideFetch(run) {
            wake = min(wake, run.next.due)
        }
        return wake
    }

    /// Hands every run the sweeps watched back to its own polls (which read its messages too), the next due by
    /// `dueBy` at the latest. A run whose terminal status is known stays `ending`: it needs no read, only the fetch
    /// of its last messages, which goes ahead without sweeps.
    mutating func returnToOwnPolls(dueBy: Double) {
        for (id, run) in runs where run.isSwept && run.endingStatus == nil {
            runs[id]?.phase = .polled
            runs[id]?.next.due = min(run.next.due, dueBy)
        }
    }

    // MARK: - Reporting

    /// Reports `status` to each subscriber of `runID` that has not had it (or, while waiting, this request) yet.
    mutating func report(status: RunStatus, run: Run, pending: HumanRequest?, runID: String,
                         effects: inout [PollEffect]) {
        guard var watched = runs[runID] else { return }
        let requestID = pending?.id
        for (id, subscriber) in watched.subscribers.sorted(by: { $0.key < $1.key })
        where subscriber.lastStatus != status || (requestID != nil && subscriber.lastRequestID != requestID) {
            effects.append(.emit(subscription: id, .status(status: status, previous: subscriber.lastStatus, run: run,
                                                           pendingHumanRequest: pending)))
            watched.subscribers[id]?.lastStatus = status
            watched.subscribers[id]?.lastRequestID = requestID
        }
        runs[runID] = watched
    }

    /// Ends every subscription of `runID` with `reason`, and stops watching it.
    mutating func end(_ runID: String, status: RunStatus?, reason: FollowEndReason, error: DuvoAPIError?,
                      effects: inout [PollEffect]) {
        guard let run = runs.removeValue(forKey: runID) else { return }
        for id in run.subscribers.keys.sorted() {
            effects.append(.emit(subscription: id, .ended(status: status, reason: reason, error: error)))
            runOfSubscription[id] = nil
        }
    }
}
