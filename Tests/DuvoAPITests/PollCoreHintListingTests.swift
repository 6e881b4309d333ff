import DuvoAPI
import RunWatching
import Testing

/// Webhook events that announce an end, answered by one listing for the whole key instead of a read per event: the
/// process that sweeps lists sooner, the others take its publication in sooner, and a run no listing shows ended in
/// time is read on its own. In process, on chosen times.
@Suite("Poll core, events answered by a shared listing")
struct PollCoreHintListingTests {
    static let running = Fixture.run(Fixture.runA, "running")
    static let completed = Fixture.run(Fixture.runA, "completed", updatedAt: "2026-05-18T09:30:07Z")

    static let runningB = Fixture.run(Fixture.runB, "running")

    /// The process that sweeps for the key, following runs A and B (known to be running), its first sweep answered at
    /// 0.1 s: the next sweep is due at 2.1 s.
    static func leader() -> CoreScript {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1, sharedSweeps: true, webhooks: true)
        _ = script.subscribe(1, to: Fixture.runA, at: 0, messages: false, knownRun: running)
        _ = script.subscribe(2, to: Fixture.runB, at: 0, messages: false, knownRun: runningB)
        _ = script.step(.leaseAnswered(leads: true), at: 0)
        _ = script.step(.publicationsRead(nil, wallNow: Fixture.wall(0)), at: 0)
        #expect(script.step(.tick, at: 0).sent == [.listPage(ticket: 1, offset: 0)])
        _ = script.step(.answered(.listPage(ticket: 1, offset: 0), Fixture.listing([running, runningB])), at: 0.1)
        return script
    }

    @Test("the sweeping process lists soon after events of ends, for runs it does not watch too; events that come together share one listing")
    func leaderListsSoon() {
        var script = Self.leader()
        #expect(script.step(.tick, at: 1.2).sent.isEmpty, "the usual sweep is due at 2.1 s")
        // A request for a person is read by whoever follows the run: no listing for it.
        _ = script.step(.hinted(runID: Fixture.runC, endsRun: false), at: 1.2)
        #expect(script.step(.tick, at: 1.5).sent.isEmpty)
        // Ends of run C (another process follows it) and of run A, 20 ms apart: one listing 100 ms after the first.
        _ = script.step(.hinted(runID: Fixture.runC, endsRun: true), at: 1.5)
        _ = script.step(.hinted(runID: Fixture.runA, endsRun: true), at: 1.52)
        #expect(script.step(.tick, at: 1.58).sent.isEmpty, "waiting for events that come with it")
        #expect(script.step(.tick, at: 1.61).sent == [.listPage(ticket: 2, offset: 0)], "no read of run A of its own")
        let listed = script.step(.answered(.listPage(ticket: 2, offset: 0), Fixture.listing([
            Fixture.run(Fixture.runC, "completed", updatedAt: "2026-05-18T09:30:07Z"), Self.completed, Self.runningB,
        ])), at: 1.65)
        #expect(listed.events(for: 1) == [
            .status(status: "completed", previous: "running", run: Self.completed, pendingHumanRequest: nil),
            .ended(status: "completed", reason: .terminal, error: nil),
        ])
        #expect(listed.shared.contains { if case .publish = $0 { true } else { false } }, "published for the others")
        // Another end soon after that listing: the next goes a second after the last one started, not before (and
        // before the usual interval after it).
        _ = script.step(.hinted(runID: Fixture.runB, endsRun: true), at: 1.7)
        #expect(script.step(.tick, at: 2.59).sent.isEmpty)
        #expect(script.step(.tick, at: 2.62).sent == [.listPage(ticket: 3, offset: 0)])
    }

    @Test("an event of an end that comes during a sweep brings the next one forward: that sweep may predate the end")
    func hintDuringSweep() {
        var script = Self.leader()
        #expect(script.step(.tick, at: 2.1).sent == [.listPage(ticket: 2, offset: 0)])
        _ = script.step(.hinted(runID: Fixture.runA, endsRun: true), at: 2.15)
        _ = script.step(.answered(.listPage(ticket: 2, offset: 0), Fixture.listing([Self.running, Self.runningB])),
                        at: 2.2)
        #expect(script.step(.tick, at: 3.09).sent.isEmpty, "a second after the last sweep started")
        #expect(script.step(.tick, at: 3.11).sent == [.listPage(ticket: 3, offset: 0)], "not the usual 4.2 s")
    }

    /// Whether another process published a listing showing run A's end in time.
    enum Publication: String, CaseIterable, Sendable {
        case showsTheEnd
        case never
    }

    @Test("a process that does not sweep waits for the published listing, reading publications every 50 ms, and reads the run itself only when none showed the end in time", arguments: Publication.allCases)
    func followerWaitsForPublication(_ publication: Publication) {
        var script = CoreScript.withoutLease()
        // The round due at 0.5 s: the lease is held by another, its publication read; the next round is due at 1.06 s.
        #expect(script.step(.tick, at: 0.5).shared == [.acquireOrRenewLease(lifetime: 5)])
        _ = script.step(.leaseAnswered(leads: false), at: 0.55)
        _ = script.publish([Self.running], highWater: Fixture.updatedAt, at: 0.56)
        #expect(script.step(.tick, at: 1.0).shared.isEmpty, "rounds every half second while nothing waits")
        _ = script.step(.hinted(runID: Fixture.runA, endsRun: true), at: 1.0)
        #expect(script.step(.tick, at: 1.0).sent.isEmpty, "no read of its own")
        #expect(script.step(.tick, at: 1.05).shared == [.acquireOrRenewLease(lifetime: 5)], "the round comes sooner")
        _ = script.step(.leaseAnswered(leads: false), at: 1.06)
        _ = script.publish([], highWater: Fixture.updatedAt, at: 1.07)
        #expect(script.step(.tick, at: 1.11).shared.isEmpty)
        #expect(script.step(.tick, at: 1.12).shared == [.acquireOrRenewLease(lifetime: 5)],
                "the next round 50 ms later, not 500 ms")
        _ = script.step(.leaseAnswered(leads: false), at: 1.13)
        switch publication {
        case .showsTheEnd:
            let taken = script.publish([Self.completed], highWater: Fixture.updatedAt + 7, at: 1.1)
            #expect(taken.events(for: 1) == [
                .status(status: "completed", previous: "running", run: Self.completed, pendingHumanRequest: nil),
                .ended(status: "completed", reason: .terminal, error: nil),
            ])
            #expect(script.step(.tick, at: 4).sent.isEmpty, "never read on its own")
        case .never:
            _ = script.publish([], highWater: Fixture.updatedAt, at: 1.1)
            var now = 1.1
            while now < 3.45 {
                #expect(script.step(.tick, at: now).sent.isEmpty, "no read at \(now) s")
                now += 0.05
            }
            #expect(script.step(.tick, at: 3.5).sent == [.readRun(ticket: 1, runID: Fixture.runA, priority: .status)],
                    "2.5 s after the event, its own read")
        }
    }

    @Test("an event of a request for a person still reads the swept run at once: the request is only in its own answer")
    func requestIsRead() {
        var script = CoreScript.withoutLease()
        _ = script.publish([Self.running], highWater: Fixture.updatedAt, at: 0.5)
        _ = script.step(.hinted(runID: Fixture.runA, endsRun: false), at: 0.6)
        #expect(script.step(.tick, at: 0.6).sent == [.readRun(ticket: 1, runID: Fixture.runA, priority: .status)])
    }
}
