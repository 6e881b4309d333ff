import DuvoAPI
import RunWatching
import Testing

/// A watched run's one state (``WatchedRun/Activity``): what its request lane does, when its own read is due, and how
/// its requests fare, checked after each event on the core's manual clock.
@Suite("Poll scheduler core, a watched run's state")
struct PollCoreActivityTests {
    static let runA = Fixture.runA

    static func activity(_ script: CoreScript) -> WatchedRun.Activity? {
        script.core.watched(runA)?.activity
    }

    @Test("a run followed under sweeps awaits its first listing; a listing ends the wait with its status known and its messages to fetch, with no read of its own")
    func listingEndsTheWait() {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1)
        _ = script.subscribe(1, to: Self.runA, at: 0)
        #expect(Self.activity(script) == .awaitingListing(sweep: 1, due: 5))
        #expect(script.step(.tick, at: 0).sent == [.listPage(ticket: 1, offset: 0)])
        _ = script.step(.answered(.listPage(ticket: 1, offset: 0),
                                  Fixture.listing([Fixture.run(Self.runA, "running")])), at: 0.5)
        #expect(Self.activity(script) == .idle(next: .init(due: 5, statusPending: false), known: nil, health: .healthy))
        #expect(script.core.watched(Self.runA)?.phase == .swept(news: .init(since: 0.5, updatedAt: "2026-05-18T09:30:00Z")))
        #expect(script.step(.tick, at: 0.5).sent
            == [.readMessages(ticket: 2, runID: Self.runA, from: 0, limit: 100, priority: .background)])
    }

    @Test("a run the sweeps do not list gets its own read once the sweep it waited for completed and its grace is over; that read reports its status first")
    func unlistedRunGetsItsOwnRead() {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1)
        _ = script.subscribe(1, to: Self.runA, at: 0)
        let other = Fixture.run(Fixture.runB, "running")
        #expect(script.step(.tick, at: 0).sent == [.listPage(ticket: 1, offset: 0)])
        _ = script.step(.answered(.listPage(ticket: 1, offset: 0), Fixture.listing([other])), at: 0.5)
        #expect(Self.activity(script) == .awaitingListing(sweep: 1, due: 5), "one sweep of two completed")
        #expect(script.step(.tick, at: 2.5).sent == [.listPage(ticket: 2, offset: 0)])
        _ = script.step(.answered(.listPage(ticket: 2, offset: 0), Fixture.listing([other])), at: 3)
        #expect(script.step(.tick, at: 3).sent.isEmpty, "the wait is over, but not the grace of 5 s")
        #expect(Self.activity(script) == .awaitingListing(sweep: 1, due: 5))
        #expect(script.step(.tick, at: 5).sent
            == [.listPage(ticket: 3, offset: 0), .readRun(ticket: 4, runID: Self.runA, priority: .status)])
        #expect(Self.activity(script) == .requesting(
            .poll(ticket: 4, priority: .status, readsMessages: true, highWaterAtStart: Fixture.updatedAt, read: nil,
                  serverDate: nil, pages: 0),
            next: .init(due: 5, statusPending: true), health: .healthy))
        #expect(script.core.watched(Self.runA)?.phase == .polled)
    }

    @Test("the caller's read of a run is kept for its first poll only, which goes on from it to the messages")
    func callersReadIsUsedOnce() {
        var script = CoreScript()
        let run = Fixture.run(Self.runA, "running")
        _ = script.subscribe(1, to: Self.runA, at: 0, knownRun: run)
        #expect(Self.activity(script) == .idle(next: .init(due: 0, statusPending: true), known: RunRead(run: run),
                                               health: .healthy))
        #expect(script.step(.tick, at: 0).sent
            == [.readMessages(ticket: 1, runID: Self.runA, from: 0, limit: 100, priority: .status)])
        #expect(Self.activity(script) == .requesting(
            .poll(ticket: 1, priority: .status, readsMessages: true, highWaterAtStart: nil, read: RunRead(run: run),
                  serverDate: nil, pages: 0),
            next: .init(due: 0, statusPending: true), health: .healthy))
        _ = script.step(.answered(.readMessages(ticket: 1, runID: Self.runA, from: 0, limit: 100, priority: .status),
                                  Fixture.messages(0..<0, total: 0)), at: 0.25)
        #expect(Self.activity(script) == .idle(next: .init(due: 1.25, statusPending: false), known: nil,
                                               health: .healthy))
        #expect(script.step(.tick, at: 1.25).sent == [.readRun(ticket: 2, runID: Self.runA, priority: .background)],
                "the next poll reads the run again")
    }

    @Test("failures of a run's own requests count in a row through a stall; an answer ends the stall, and the count restarts only when that request completes")
    func failuresCountThroughRecovery() {
        var script = CoreScript()
        _ = script.subscribe(1, to: Self.runA, at: 0)
        _ = script.step(.tick, at: 0)
        _ = script.step(.failed(.readRun(ticket: 1, runID: Self.runA, priority: .status), Fixture.unavailable), at: 0.5)
        #expect(Self.activity(script) == .idle(next: .init(due: 2.5, statusPending: true), known: nil,
                                               health: .stalled(.init(since: 0.5, bySweeps: false, failures: 1))))
        #expect(script.step(.tick, at: 2.5).sent == [.readRun(ticket: 2, runID: Self.runA, priority: .status)])
        _ = script.step(.failed(.readRun(ticket: 2, runID: Self.runA, priority: .status), Fixture.unavailable), at: 3)
        #expect(script.core.watched(Self.runA)?.activity
            == .idle(next: .init(due: 7, statusPending: true), known: nil,
                     health: .stalled(.init(since: 0.5, bySweeps: false, failures: 2))))
        _ = script.step(.tick, at: 7)
        let read = script.step(.answered(.readRun(ticket: 3, runID: Self.runA, priority: .status),
                                         Fixture.read(Self.runA, "running")), at: 7.5)
        #expect(read.events(for: 1) == [.recovered(stalledSeconds: 7)])
        #expect(script.core.watched(Self.runA)?.health == .recovering(failures: 2))
        // Its messages fail: the third failure in a row, so the pause doubles again (8 s), and a new stall is told.
        let messages = PollRequest.readMessages(ticket: 3, runID: Self.runA, from: 0, limit: 100, priority: .status)
        let failed = script.step(.failed(messages, Fixture.dropped), at: 8)
        #expect(failed.events(for: 1) == [.stalled(error: Fixture.dropped)])
        #expect(Self.activity(script) == .idle(next: .init(due: 16, statusPending: true), known: nil,
                                               health: .stalled(.init(since: 8, bySweeps: false, failures: 3))))
        #expect(script.step(.tick, at: 15.5).sent.isEmpty)
        #expect(script.step(.tick, at: 16).sent == [.readRun(ticket: 4, runID: Self.runA, priority: .status)])
        _ = script.step(.answered(.readRun(ticket: 4, runID: Self.runA, priority: .status),
                                  Fixture.read(Self.runA, "running")), at: 16.5)
        _ = script.step(.answered(.readMessages(ticket: 4, runID: Self.runA, from: 0, limit: 100, priority: .status),
                                  Fixture.messages(0..<0, total: 0)), at: 17)
        #expect(Self.activity(script) == .idle(next: .init(due: 18, statusPending: false), known: nil,
                                               health: .healthy))
    }
}
