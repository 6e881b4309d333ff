import Diagnostics
import JSONCore
import RunWatching
import Testing

/// The scheduler's actor around its core, with a manual clock and a scripted transport: no process, no sleeps.
@Suite("Poll scheduler driver", .timeLimit(.minutes(1)))
struct PollSchedulerTests {
    static let quiet = Logger(label: "test", level: .error)

    @Test("a follow rides out a 429 and a dropped connection: it reports the stall, recovers, and ends after its messages")
    func ridesOutTrouble() async {
        let clock = ManualPollClock()
        let transport = ScriptedPollTransport([
            .fail(Fixture.rateLimited),
            .fail(Fixture.dropped),
            .answer(Fixture.read(Fixture.runA, "completed")),
            .answer(Fixture.messages(0..<2, total: 2)),
        ])
        let scheduler = PollScheduler(transport: transport, clock: clock, logger: Self.quiet)
        // Time moves whenever the scheduler waits on it, and only then.
        let timeKeeper = clock.keepTime()
        defer { timeKeeper.cancel() }
        let subscription = await scheduler.subscribe(runID: Fixture.runA)
        var events: [RunEvent] = []
        for await event in subscription.events { events.append(event) }
        #expect(events.count == 6)
        #expect(events.first == .stalled(error: Fixture.rateLimited),
                "the stall is reported once, for the first failure")
        if case .recovered(let seconds) = events.dropFirst().first {
            #expect(seconds >= 6, "back-off of 2 s, then 4 s")
        } else {
            Issue.record("no recovery after the stall: \(events)")
        }
        #expect(Array(events.dropFirst(2)) == [
            .message(index: 0, message: Fixture.message(0)), .message(index: 1, message: Fixture.message(1)),
            .status(status: "completed", previous: nil, run: Fixture.run(Fixture.runA, "completed"),
                    pendingHumanRequest: nil),
            .ended(status: "completed", reason: .terminal, error: nil),
        ])
    }

    @Test("shutdown ends the follow with reason shutdown and cancels the request under way")
    func shutdownCancelsRequests() async {
        let clock = ManualPollClock()
        let transport = ScriptedPollTransport([.hang])
        let scheduler = PollScheduler(transport: transport, clock: clock, logger: Self.quiet)
        let subscription = await scheduler.subscribe(runID: Fixture.runA)
        var requests = transport.requests.makeAsyncIterator()
        #expect(await requests.next() == "get \(Fixture.runA)")
        #expect(await scheduler.requestsUnderWay() == 1)
        await scheduler.shutdown()
        var cancellations = transport.cancellations.makeAsyncIterator()
        #expect(await cancellations.next() == "get \(Fixture.runA)", "the read was cancelled, not left running")
        var events: [RunEvent] = []
        for await event in subscription.events { events.append(event) }
        #expect(events == [.ended(status: nil, reason: .shutdown, error: nil)])
        #expect(await scheduler.requestsUnderWay() == 0)
    }

    @Test("a wait whose first read meets 503s keeps trying within its time and answers once Duvo does")
    func waitRetriesFirstRead() async throws {
        let clock = ManualPollClock()
        let transport = ScriptedPollTransport([
            .fail(Fixture.unavailable), .fail(Fixture.unavailable), .answer(Fixture.read(Fixture.runA, "completed")),
        ])
        let scheduler = PollScheduler(transport: transport, clock: clock, logger: Self.quiet)
        let timeKeeper = clock.keepTime()
        defer { timeKeeper.cancel() }
        let outcome = try await scheduler.wait(runID: Fixture.runA, until: .terminal, timeout: 60, transport: transport)
        #expect(outcome.run.status == .completed)
        #expect(!outcome.timedOut)
    }

    @Test("a wait on a run Duvo does not know fails at once with its 404, without retrying")
    func waitEndsOnNotFound() async {
        let clock = ManualPollClock()
        let transport = ScriptedPollTransport([.fail(Fixture.notFound)])
        let scheduler = PollScheduler(transport: transport, clock: clock, logger: Self.quiet)
        await #expect(throws: Fixture.notFound) {
            try await scheduler.wait(runID: Fixture.runA, until: .terminal, timeout: 60, transport: transport)
        }
    }
}

/// ``PollScheduler/listedBySweeps(_:)``: a `runs/follow` asks it whether the next sweep lists the run, to spare a read.
@Suite("Poll scheduler: waits for a sweep's listing", .timeLimit(.minutes(1)))
struct ListedBySweepsTests {
    static let runD = "44444444-4444-4444-8444-444444444444"
    /// The driver looks at what is due every second of the manual clock, not every 50 ms: the same decisions, with
    /// fewer turns of the clock for the suite to spend its CPU on.
    static var tuning: PollTuning {
        var tuning = PollTuning()
        tuning.tick = 1
        return tuning
    }

    /// A scheduler on `clock` watching three runs (sweeps are used) whose sweep's listing never comes back, and one
    /// caller waiting for it.
    static func waitingCaller(on clock: ManualPollClock) async throws
        -> (scheduler: PollScheduler, subscriptions: [PollScheduler.Subscription], listed: Task<Bool, Never>)
    {
        let transport = ScriptedPollTransport([], canListRuns: true)
        let scheduler = PollScheduler(transport: transport, clock: clock, tuning: tuning,
                                      logger: PollSchedulerTests.quiet)
        var subscriptions: [PollScheduler.Subscription] = []
        for runID in [Fixture.runA, Fixture.runB, Fixture.runC] {
            subscriptions.append(await scheduler.subscribe(runID: runID))
        }
        var requests = transport.requests.makeAsyncIterator()
        // Three runs are swept (the driver may have read the first run alone before the others came: that read
        // hangs, as every request here does).
        var request = await requests.next()
        while let sent = request, sent != "list 0" { request = await requests.next() }
        #expect(request == "list 0", "three runs are swept")
        let listed = Task { await scheduler.listedBySweeps(runD) }
        // A short real sleep, not a spin: a test spinning on the pool's two threads starves every other test.
        while await scheduler.callersWaitingForSweeps() == 0 { try await Task.sleep(for: .milliseconds(1)) }
        return (scheduler, subscriptions, listed)
    }

    @Test("a caller waiting for the next sweep is answered 'not listed' when the last follow ends and no sweep comes")
    func sweepsStop() async throws {
        let clock = ManualPollClock()
        let (scheduler, subscriptions, listed) = try await Self.waitingCaller(on: clock)
        for subscription in subscriptions { await scheduler.unsubscribe(subscription.id) }
        // The driver notices at its next tick that nothing is watched.
        let timeKeeper = clock.keepTime()
        defer { timeKeeper.cancel() }
        #expect(await listed.value == false, "the caller reads the run itself")
        #expect(await scheduler.callersWaitingForSweeps() == 0)
    }

    @Test("a caller waiting for a sweep that never completes (a leader that does not publish) is answered in 30 s")
    func sweepNeverCompletes() async throws {
        let clock = ManualPollClock()
        let (scheduler, _, listed) = try await Self.waitingCaller(on: clock)
        // Time moves from here on, whenever the scheduler waits on the clock.
        let start = clock.now()
        let timeKeeper = clock.keepTime()
        defer { timeKeeper.cancel() }
        #expect(await listed.value == false, "the caller reads the run itself")
        let waited = clock.now() - start
        #expect(waited >= 30 && waited <= 31,
                "it waited \(waited) s: the first-look patience of 30 s, and the driver's tick (1 s here), no longer")
        await scheduler.shutdown()
    }

    @Test("a caller waiting for the next sweep is answered 'not listed' at once when every follow is paused (no sweep comes)")
    func everyFollowPaused() async throws {
        let clock = ManualPollClock()
        var tuning = Self.tuning
        tuning.maxUnreadEvents = 5
        let runs = [Fixture.runA, Fixture.runB, Fixture.runC]
        // Each run is running and has said ten things, however often it is read.
        let transport = ScriptedPollTransport(canListRuns: true) { request in
            let runID = String(request.split(separator: " ").dropFirst().first ?? "")
            switch request.split(separator: " ").first {
            case "list": return .answer(Fixture.listing(runs.map { Fixture.run($0, "running") }))
            case "get": return .answer(Fixture.read(runID, "running"))
            default: return request.hasSuffix(" 0") ? .answer(Fixture.messages(0..<10, total: 10)) : .hang
            }
        }
        let scheduler = PollScheduler(transport: transport, clock: clock, tuning: tuning,
                                      logger: PollSchedulerTests.quiet)
        var subscriptions: [PollScheduler.Subscription] = []
        for runID in runs { subscriptions.append(await scheduler.subscribe(runID: runID)) }
        let timeKeeper = clock.keepTime()
        defer { timeKeeper.cancel() }
        // Nobody reads: each follow gets its run's ten messages and is paused; nothing is watched any more.
        while await scheduler.watchedRunCount() > 0 { try await Task.sleep(for: .milliseconds(1)) }
        let start = clock.now()
        let before = await scheduler.watchedRunCount()
        #expect(await scheduler.listedBySweeps(Self.runD) == false, "the caller reads the run itself")
        let waited = clock.now() - start
        let after = await scheduler.watchedRunCount()
        #expect(waited <= 1, "it waited \(waited) s for a sweep that could not come (the driver's tick is 1 s here); runs watched before the call: \(before), after: \(after); requests: \(transport.sentCount)")
        await scheduler.shutdown()
        _ = subscriptions
    }
}

/// A subscriber that stops reading its events (a client not reading its notifications) is paused, not buffered for.
@Suite("Poll scheduler: subscribers that stop reading", .timeLimit(.minutes(1)))
struct UnreadEventsTests {
    static var tuning: PollTuning {
        var tuning = PollTuning()
        tuning.maxUnreadEvents = 150
        tuning.tick = 1  // as in ListedBySweepsTests
        return tuning
    }

    /// Waits until `clock` passed `seconds` more, the scheduler ticking meanwhile.
    static func waitUntil(_ clock: ManualPollClock, passed seconds: Double) async throws {
        let until = clock.now() + seconds
        // A short real sleep, not a spin: a test spinning on the pool's two threads starves every other test.
        while clock.now() < until { try await Task.sleep(for: .milliseconds(1)) }
    }

    @Test("a follow nobody reads is paused past 150 unread events: no request and no event more, however long; once read, it goes on where it stopped, nothing lost or repeated")
    func pausedUntilRead() async throws {
        let clock = ManualPollClock()
        let runA = Fixture.runA
        let transport = ScriptedPollTransport([
            .answer(Fixture.read(runA, "running")),
            .answer(Fixture.messages(0..<100, total: 300)),
            .answer(Fixture.messages(100..<200, total: 300)),
            // Under way when the subscription is paused: its answer is not handed over (the follow goes on from 200).
            .answer(Fixture.messages(200..<300, total: 300)),
            // After the subscriber read: the run again, then the messages from where it stopped.
            .answer(Fixture.read(runA, "completed")),
            .answer(Fixture.messages(200..<300, total: 300)),
        ])
        let scheduler = PollScheduler(transport: transport, clock: clock, tuning: Self.tuning,
                                      logger: PollSchedulerTests.quiet)
        let timeKeeper = clock.keepTime()
        defer { timeKeeper.cancel() }
        let subscription = await scheduler.subscribe(runID: runA)
        var requests = transport.requests.makeAsyncIterator()
        for expected in ["get \(runA)", "messages \(runA) 0", "messages \(runA) 100", "messages \(runA) 200"] {
            #expect(await requests.next() == expected)
        }
        // Nobody reads for 20 s: the run is not read again (it was polled every 1-2 s before).
        try await Self.waitUntil(clock, passed: 20)
        #expect(transport.sentCount == 4, "no request while the subscriber does not read")
        var events: [RunEvent] = []
        for await event in subscription.events { events.append(event) }
        #expect(transport.sentCount == 6, "read again once, from message 200")
        let messages = events.compactMap { event -> Int? in
            if case .message(let index, _) = event { index } else { nil }
        }
        #expect(messages == Array(0..<300), "every message once, in order")
        #expect(events.suffix(2) == [
            .status(status: "completed", previous: nil, run: Fixture.run(runA, "completed"), pendingHumanRequest: nil),
            .ended(status: "completed", reason: .terminal, error: nil),
        ])
    }

    @Test("a paused follow still ends when unfollowed or at shutdown")
    func pausedFollowEnds() async throws {
        let clock = ManualPollClock()
        let transport = ScriptedPollTransport([
            .answer(Fixture.read(Fixture.runA, "running")), .answer(Fixture.messages(0..<100, total: 300)),
            .answer(Fixture.messages(100..<200, total: 300)), .answer(Fixture.messages(200..<300, total: 300)),
            .answer(Fixture.read(Fixture.runB, "running")), .answer(Fixture.messages(0..<100, total: 300)),
            .answer(Fixture.messages(100..<200, total: 300)),
        ])
        let scheduler = PollScheduler(transport: transport, clock: clock, tuning: Self.tuning,
                                      logger: PollSchedulerTests.quiet)
        let timeKeeper = clock.keepTime()
        defer { timeKeeper.cancel() }
        let first = await scheduler.subscribe(runID: Fixture.runA)
        var requests = transport.requests.makeAsyncIterator()
        for _ in 0..<4 { _ = await requests.next() }
        let second = await scheduler.subscribe(runID: Fixture.runB)
        for _ in 0..<4 { _ = await requests.next() }
        try await Self.waitUntil(clock, passed: 5)
        #expect(await scheduler.unsubscribe(first.id), "a paused subscription is still a subscription")
        await scheduler.shutdown()
        var firstEvents: [RunEvent] = [], secondEvents: [RunEvent] = []
        for await event in first.events { firstEvents.append(event) }
        for await event in second.events { secondEvents.append(event) }
        #expect(firstEvents.count == 201 && firstEvents.last == .ended(status: nil, reason: .unfollowed, error: nil))
        #expect(secondEvents.count == 201 && secondEvents.last == .ended(status: nil, reason: .shutdown, error: nil))
        #expect(await scheduler.watchedRunCount() == 0)
    }
}
