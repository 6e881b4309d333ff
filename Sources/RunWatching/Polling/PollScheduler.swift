import Diagnostics
import DuvoAPI
import JSONCore
import KeyCoordination
import Time

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
/// last event. The decisions are ``PollCore``'s; this actor only feeds it events (subscriptions, ticks of the
/// injected clock, answers of the injected transport) and carries out its effects. It owns every task it starts and
/// cancels them at ``shutdown()``.
public actor PollScheduler {
    /// A handle on one subscription: its id (for ``unsubscribe(_:)``) and its events.
    package struct Subscription: Sendable {
        /// The subscription's id, unique in this process.
        package let id: UInt64
        /// The run's events; finishes after ``RunEvent/ended(status:reason:error:)``.
        package let events: RunEvents
    }

    var core: PollCore
    let transport: any PollTransport
    let clock: any TimeSource
    let tuning: PollTuning
    let logger: Logger
    /// Sweeps shared with the other processes on the key and team, when coordination is on.
    var sharing: Sharing?
    /// Each subscription's stream, and how many of its events are unread.
    private var streams: [UInt64: (continuation: AsyncStream<RunEvent>.Continuation, unread: UnreadEvents)] = [:]
    /// Subscriptions whose subscriber left more than ``PollTuning/maxUnreadEvents`` unread, to be paused.
    private var backlogged: [UInt64] = []
    private var nextID: UInt64 = 1
    private var driver: Task<Void, Never>?
    /// Requests under way, by ticket.
    private var requests: [UInt64: Task<Void, Never>] = [:]
    /// Callers of ``listedBySweeps(_:)`` waiting for a sweep numbered `sweep` or later, until `deadline` at most.
    private var existenceWaiters: [ExistenceWaiter] = []
    /// The key's webhook events, when this process asks Duvo for them (see ``PushState``).
    private let events: (any EventBus)?
    /// The tasks that feed the bus's hints and health to the core, once subscribed.
    private var eventTasks: [Task<Void, Never>] = []
    private var eventSubscription: EventSubscription?
    /// Whether subscribing was tried (once: a directory that failed is not tried again for every follow).
    private var subscribedToEvents = false

    /// A scheduler polling through `client` on the client's clock, sharing sweeps through `coordination` (the one
    /// the client's budget was made with).
    /// With `events`, the runs this process starts carry its webhook, and the bus's hints make their reads due.
    package init(client: DuvoClient, coordination: Coordination, tuning: PollTuning = PollTuning(), logger: Logger,
                 events: (any EventBus)? = nil) {
        let coordinator = client.canListRuns ? client.configuration.teamID.flatMap(coordination.sweeps) : nil
        self.init(transport: client, clock: client.clock, tuning: tuning, logger: logger,
                  sweepCoordinator: coordinator, participant: coordination.participant, events: events)
    }

    /// A scheduler polling through `transport` on `clock`. With a `sweepCoordinator`, the team-wide sweeps are shared
    /// with the other processes on the key: the one holding its lease sweeps and publishes (as `participant`), the
    /// others take in what it published.
    package init(transport: any PollTransport, clock: any TimeSource, tuning: PollTuning = PollTuning(),
                logger: Logger, sweepCoordinator: (any SweepCoordinator)? = nil, participant: String = "",
                events: (any EventBus)? = nil) {
        self.transport = transport
        self.clock = clock
        self.tuning = tuning
        self.logger = logger
        self.events = events
        core = PollCore(tuning: tuning, canListRuns: transport.canListRuns, pageSize: transport.maxMessagePageSize,
                        rateLimit: transport.rateLimitPerMinute, sharedSweeps: sweepCoordinator != nil,
                        webhooks: events != nil)
        sharing = sweepCoordinator.map { Sharing(coordinator: $0, participant: participant) }
    }

    /// Starts watching `runID`, reporting messages from position `offset` on (when `messages`) and status changes.
    ///
    /// The first event is the run's current status (previous nil); in per-run mode it comes after any messages
    /// already there, under sweeps it may come before them. `knownRun` is the run as Duvo just returned it (say,
    /// the answer that started it): under sweeps it stands for the first look, as a recent sweep's listing does.
    package func subscribe(runID: String, fromOffset offset: Int = 0, messages: Bool = true,
                          knownRun: Run? = nil) -> Subscription {
        let id = nextID
        nextID += 1
        // Unbounded, but never long: a subscription whose events pile up unread is paused (see `emit`).
        let (stream, continuation) = AsyncStream.makeStream(of: RunEvent.self, bufferingPolicy: .unbounded)
        let unread = UnreadEvents()
        streams[id] = (continuation, unread)
        handle(.subscribed(id: id, runID: runID, fromOffset: offset, messages: messages, knownRun: knownRun))
        subscribeToEvents()
        ensureDriver()
        return Subscription(id: id, events: RunEvents(stream: stream, unread: unread))
    }

    /// Whether the runs this process starts get its webhook (see ``expectPush(_:)``).
    package nonisolated var asksForEvents: Bool { events != nil }

    /// Notes that `runID` was started with this process's webhook: once watched, it is read only as a safety net
    /// while events arrive.
    package func expectPush(_ runID: String) {
        handle(.pushExpected(runID: runID))
    }

    /// Ends a subscription early; its stream gets `ended(reason: unfollowed)`.
    /// - Returns: false when the subscription had already ended.
    @discardableResult
    package func unsubscribe(_ id: UInt64) -> Bool {
        guard core.isSubscribed(id) else { return false }
        handle(.unsubscribed(id: id))
        return true
    }

    /// Ends every subscription with reason `shutdown`, cancels every request under way, stops polling and hands
    /// the sweep lease on.
    package func shutdown() async {
        handle(.shutdown)
        for request in requests.values { request.cancel() }
        requests = [:]
        driver?.cancel()
        driver = nil
        eventSubscription?.cancel()
        eventSubscription = nil
        for task in eventTasks { task.cancel() }
        eventTasks = []
        await finishSharing()
    }

    /// Whether team-wide sweeps show that `runID` exists, so that a caller need not read it: true when a sweep listed
    /// it lately or the next sweep to start lists it (a wait of one sweep interval, a couple of seconds); false when
    /// sweeps are not in use, or fail, or stop (nothing left to watch), or do not list it (a run that has not changed
    /// lately), or none completes within ``existencePatience`` (a leader that holds the lease but does not publish),
    /// and the caller must ask.
    package func listedBySweeps(_ runID: String) async -> Bool {
        guard core.sweepsAreReliable, !core.isShutDown else { return false }
        if core.wasListed(runID) { return true }
        let (needed, deadline) = (core.sweepsStarted, clock.now() + existencePatience)
        return await withCheckedContinuation { continuation in
            existenceWaiters.append(ExistenceWaiter(sweep: needed, runID: runID, deadline: deadline,
                                                    continuation: continuation))
        }
    }

    /// The longest a caller of ``listedBySweeps(_:)`` waits for a sweep: as long as a run newly watched under sweeps
    /// waits at most for sweeps that stopped coming (``PollTuning/firstLookPatience``), however slowly the budget
    /// spaces them out.
    private var existencePatience: Double {
        tuning.firstLookPatience * tuning.scale
    }

    /// How many subscriptions are live (paused ones included).
    package func subscriptionCount() -> Int { streams.count }

    /// How many runs are being watched (for stats and tests).
    package func watchedRunCount() -> Int { core.watchedRunCount }

    /// How many callers of ``listedBySweeps(_:)`` wait for a sweep (for tests).
    package func callersWaitingForSweeps() -> Int { existenceWaiters.count }

    /// How many requests are under way (for tests: none after shutdown).
    package func requestsUnderWay() -> Int { requests.count }

    // MARK: - Driving the core

    /// Steps the core with `event` now and carries out what it asks.
    func handle(_ event: PollEvent) {
        carryOut(core.step(event, now: clock.now()))
    }

    /// Carries out `effects` in order, then pauses the subscriptions whose subscriber stopped reading.
    private func carryOut(_ effects: [PollEffect]) {
        for effect in effects { perform(effect) }
        while !backlogged.isEmpty {
            handle(.unread(id: backlogged.removeFirst(), backlog: true))
        }
    }

    /// Resumes the paused subscriptions whose subscriber has read at least half of what it was handed.
    private func resumeCaughtUp() {
        for id in core.pausedSubscriptions where (streams[id]?.unread.count ?? 0) <= tuning.maxUnreadEvents / 2 {
            handle(.unread(id: id, backlog: false))
        }
    }

    private func perform(_ effect: PollEffect) {
        switch effect {
        case .send(let request):
            let transport = transport
            requests[request.ticket] = Task { [weak self] in
                let event = await Self.send(request, through: transport)
                await self?.answered(request, event)
            }
        case .emit(let id, let event):
            guard let stream = streams[id] else { return }
            stream.continuation.yield(event)
            if case .ended = event {
                stream.continuation.finish()
                streams[id] = nil
            } else if stream.unread.handedOver() > tuning.maxUnreadEvents, !backlogged.contains(id),
                      !core.isPaused(id) {
                backlogged.append(id)
            }
        case .sweepSettled(let completed):
            answerExistenceWaiters(completed: completed)
        case .share(let request):
            share(request)
        case .log(.debug, let line):
            logger.debug(line)
        case .log(.info, let line):
            logger.info(line)
        case .log(.warning, let line):
            logger.warning(line)
        }
    }

    /// Makes `request` and turns its outcome into the event that reports it.
    private static func send(_ request: PollRequest, through transport: any PollTransport) async -> PollEvent {
        do throws(DuvoAPIError) {
            switch request {
            case .readRun(_, let runID, let priority):
                return .answered(request, .run(try await transport.getRun(runID, priority: priority)))
            case .readMessages(_, let runID, let from, let limit, let priority):
                let answer = try await transport.datedMessages(runID, limit: limit, offset: from, priority: priority)
                return .answered(request, .messages(answer))
            case .listPage(_, let offset):
                let filter = RunListFilter(limit: 100, offset: offset, sortBy: "updated_at", sortOrder: "desc")
                // A sweep is the cheapest news there is (one request, up to 100 runs): it goes ahead of everything
                // else, clients' calls included, and its spacing keeps it to its share of the budget.
                return .answered(request, .page(try await transport.listRuns(filter, teamID: nil, priority: .status)))
            }
        } catch {
            return .failed(request, Task.isCancelled ? .cancelled : error)
        }
    }

    private func answered(_ request: PollRequest, _ event: PollEvent) {
        requests[request.ticket] = nil
        guard !core.isShutDown else { return }
        handle(event)
    }

    /// Subscribes to the key's webhook events once something is watched; a bus that cannot be used is reported
    /// once and the runs are polled as if there were none.
    private func subscribeToEvents() {
        guard let events, !subscribedToEvents, !core.isShutDown else { return }
        subscribedToEvents = true
        let subscription: EventSubscription
        do {
            subscription = try events.subscribe()
        } catch {
            handle(.eventBus(.unavailable("\(error)")))
            return
        }
        eventSubscription = subscription
        eventTasks = [
            Task { [weak self] in
                for await hint in subscription.hints { await self?.hinted(hint) }
            },
            Task { [weak self] in
                for await health in subscription.health { await self?.handle(.eventBus(health)) }
            },
        ]
    }

    private func hinted(_ hint: WebhookHint) {
        guard !core.isShutDown else { return }
        let endsRun = RunStatus(rawValue: hint.status).isTerminal
            || ["run_completed", "run_failed", "run_interrupted"].contains(hint.event)
        handle(.hinted(runID: hint.runID, endsRun: endsRun))
    }

    private func ensureDriver() {
        guard driver == nil, core.needsDriving else { return }
        driver = Task { [weak self] in
            while let self, await self.tick() {}
        }
    }

    /// Starts what is due, then sleeps until the next thing falls due (a tick at most); false when nothing is left.
    private func tick() async -> Bool {
        resumeCaughtUp()
        if core.isIdle {
            // No sweep is coming (nothing is watched, though paused follows may be): a caller waiting for one reads
            // the run itself.
            answerExistenceWaiters(completed: nil)
        }
        if !core.needsDriving {
            driver = nil
            return false
        }
        let now = clock.now()
        carryOut(core.step(.tick, now: now))
        answerExistenceWaiters(outOfTimeAt: now)
        // A paused subscription is looked at every tick.
        let pause = min(tuning.tick, max(0.002, core.nextWake(after: now) - now))
        do {
            try await clock.sleep(seconds: pause)
        } catch {
            return false
        }
        return !Task.isCancelled
    }

    /// Answers the callers of ``listedBySweeps(_:)``: after the sweep numbered `completed`, those it covers, by its
    /// listing; with `completed` nil (sweeps stopped or failed), all of them with false.
    private func answerExistenceWaiters(completed: Int?) {
        guard !existenceWaiters.isEmpty else { return }
        var waiting: [ExistenceWaiter] = []
        for waiter in existenceWaiters {
            if let completed, waiter.sweep > completed {
                waiting.append(waiter)
            } else {
                waiter.continuation.resume(returning: completed != nil && core.wasListed(waiter.runID))
            }
        }
        existenceWaiters = waiting
    }

    /// Answers false to the callers of ``listedBySweeps(_:)`` whose deadline passed.
    private func answerExistenceWaiters(outOfTimeAt now: Double) {
        guard existenceWaiters.contains(where: { $0.deadline <= now }) else { return }
        let (expired, waiting) = (existenceWaiters.filter { $0.deadline <= now },
                                  existenceWaiters.filter { $0.deadline > now })
        existenceWaiters = waiting
        for waiter in expired { waiter.continuation.resume(returning: false) }
    }

    /// A caller of ``listedBySweeps(_:)``.
    private struct ExistenceWaiter {
        let sweep: Int
        let runID: String
        let deadline: Double
        let continuation: CheckedContinuation<Bool, Never>
    }
}

extension PollScheduler {
    /// The injected clock's time (for waits' deadlines).
    nonisolated func now() -> Double { clock.now() }

    /// Sleeps on the injected clock.
    nonisolated func sleep(seconds: Double) async throws {
        try await clock.sleep(seconds: max(0, seconds))
    }
}
