import JSONCore
import RunWatching
import Testing

/// The core as one of many processes on a key: another process sweeps and publishes, this one takes the listings in.
/// What must hold at K=20: publications that come slowly or are missed cost a listing, not a read of every run.
@Suite("Poll scheduler core, sweeps shared by many processes")
struct PollCoreSharingTests {
    /// How a reader's catch-up after missed publications goes.
    enum CatchUp: String, CaseIterable, Sendable {
        /// A publication with a floor was taken in before; the catch-up listing reaches that floor.
        case listed
        /// The same, but the catch-up listing fails: the runs are read on their own instead.
        case failed
        /// No floor to list down to (nothing taken in before): the runs are read on their own.
        case noFloor
    }

    @Test("missed publications are caught up with one listing down to the last floor taken in, not a read of every run", arguments: CatchUp.allCases)
    func catchUp(_ outcome: CatchUp) {
        var script = CoreScript.withoutLease()
        _ = script.publish([], highWater: outcome == .noFloor ? nil : Fixture.updatedAt, at: 0.5)
        let missed = script.publish([], highWater: nil, at: 1, skipping: 1)
        guard outcome != .noFloor else {
            #expect(missed.sent.isEmpty)
            #expect(script.step(.tick, at: 1).sent == [.readRun(ticket: 1, runID: Fixture.runA, priority: .status)])
            return
        }
        #expect(missed.sent == [.listPage(ticket: 1, offset: 0)], "one page of the team's runs, newest first")
        #expect(script.step(.tick, at: 1.1).sent.isEmpty, "no read of its own while the catch-up lists")
        let page = PollRequest.listPage(ticket: 1, offset: 0)
        if outcome == .failed {
            let failed = script.step(.failed(page, Fixture.rateLimited), at: 1.5)
            #expect(failed.events(for: 1).isEmpty, "the follow is not stalled: its own read takes over")
            #expect(script.step(.tick, at: 1.5).sent == [.readRun(ticket: 2, runID: Fixture.runA, priority: .status)])
            return
        }
        // Run A changed during the missed publications; run C, older than the floor, ends the listing.
        let listed = script.step(.answered(page, Fixture.listing([
            Fixture.run(Fixture.runA, "completed", updatedAt: "2026-05-18T09:31:00Z"),
            Fixture.run(Fixture.runC, "running", updatedAt: "2026-05-18T09:29:00Z"),
        ], total: 150)), at: 1.5)
        #expect(listed.events(for: 1) == [
            .status(status: "completed", previous: "running",
                    run: Fixture.run(Fixture.runA, "completed", updatedAt: "2026-05-18T09:31:00Z"),
                    pendingHumanRequest: nil),
            .ended(status: "completed", reason: .terminal, error: nil),
        ])
        #expect(listed.sent.isEmpty, "the floor was reached on the first page")
        #expect(!listed.shared.contains { if case .publish = $0 { true } else { false } },
                "a reader's catch-up is not published: it does not lead")
    }

    /// When publications come after a run is followed, and when its own first read goes out.
    struct FirstLook: Sendable, CustomTestStringConvertible {
        let publications: [Double]
        let readAt: Double
        var testDescription: String { "publications at \(publications), own read at \(readAt) s" }
    }

    static let firstLooks: [FirstLook] = [
        // Publications every 2 s: two of them without the run, then its own read (as the time-based grace did).
        FirstLook(publications: [2, 4], readAt: 5),
        // Publications slowed down by a busy budget: the run waits for two of them, however late.
        FirstLook(publications: [10, 20], readAt: 20),
        // Publications that stopped: the run waits no longer than the patience.
        FirstLook(publications: [], readAt: 30),
    ]

    @Test("a run followed under shared sweeps waits for two sweeps to list it, however slowly they come, before a read of its own", arguments: firstLooks)
    func firstLookWaitsForSweeps(_ look: FirstLook) {
        var script = CoreScript.withoutLease()
        _ = script.subscribe(2, to: Fixture.runB, at: 0)
        var times = Set(look.publications)
        times.formUnion([1, 5, 9, 15, 25, 29.5, look.readAt - 0.25])
        for time in times.sorted() where time < look.readAt {
            if look.publications.contains(time) {
                _ = script.publish([Fixture.run(Fixture.runA, "running")], highWater: Fixture.updatedAt, at: time)
            }
            #expect(script.step(.tick, at: time).sent.isEmpty, "no read of run B at \(time) s")
        }
        if look.publications.contains(look.readAt) {
            _ = script.publish([Fixture.run(Fixture.runA, "running")], highWater: Fixture.updatedAt, at: look.readAt)
        }
        #expect(script.step(.tick, at: look.readAt).sent
            == [.readRun(ticket: 1, runID: Fixture.runB, priority: .status)])
    }

    @Test("a publication older than the listing memory (its leader gone) is not taken in: a new follow gets no stale first status from it")
    func stalePublicationIgnored() {
        var script = CoreScript.withoutLease()
        // Left 10 minutes ago by a leader that has stopped since; run B has failed meanwhile.
        let stale = Fixture.snapshot(sequence: 1, runs: [Fixture.run(Fixture.runB, "running")],
                                     highWater: Fixture.updatedAt, takenAt: Fixture.wall(-600))
        _ = script.step(.publicationsRead(stale, wallNow: Fixture.wall(1)), at: 1)
        #expect(!script.core.wasListed(Fixture.runB))
        let followed = script.subscribe(2, to: Fixture.runB, at: 1.5)
        #expect(!followed.events(for: 2).contains { if case .status = $0 { true } else { false } },
                "no status from a listing ten minutes old: \(followed.events(for: 2))")
    }

    @Test("a process that learns others spend its key sweeps from its first run; alone, or with sweeps not shared, it polls its runs", arguments: [true, false])
    func othersOnKeyStartSweeps(shared: Bool) {
        var script = CoreScript(canListRuns: true, sharedSweeps: shared)
        _ = script.step(.othersOnKey(true), at: 0)
        let first = script.subscribe(1, to: Fixture.runA, at: 0)
        #expect(first.shared == (shared ? [.readPublications] : []),
                "one run is too few to seek the lease for; what others publish is still taken in")
        #expect(script.step(.tick, at: 0).sent == [.readRun(ticket: 1, runID: Fixture.runA, priority: .status)],
                "nothing watched when it heard of the others: its first run is polled")
        let read = script.step(.publicationsRead(nil, wallNow: Fixture.wall(0.1)), at: 0.1)
        #expect(read.shared == (shared ? [.askWhetherOthersUseKey] : []))
        _ = script.step(.othersOnKey(true), at: 0.5)
        guard shared else {
            #expect(script.step(.tick, at: 1).sent.isEmpty, "one run, sweeps not shared: no sweep")
            return
        }
        let gained = script.gainLease(at: 1)
        #expect(gained, "the next round seeks the lease")
        #expect(script.step(.tick, at: 1).sent == [.listPage(ticket: 2, offset: 0)],
                "one sweep for every process on the key")
        _ = script.step(.answered(.readRun(ticket: 1, runID: Fixture.runA, priority: .status),
                                  Fixture.read(Fixture.runA, "running")), at: 0.6)
        let messages = script.step(.answered(.readMessages(ticket: 1, runID: Fixture.runA, from: 0, limit: 100,
                                                           priority: .status),
                                             Fixture.messages(0..<0, total: 0, serverDate: Fixture.updatedAt + 5)),
                                   at: 0.7)
        #expect(messages.events(for: 1).first == .status(status: "running", previous: nil,
                                                         run: Fixture.run(Fixture.runA, "running"),
                                                         pendingHumanRequest: nil))
        for time in [1.0, 3, 5, 9] {
            #expect(!script.step(.tick, at: time).sent.contains { if case .readRun = $0 { true } else { false } },
                    "sweeps watch the run now: no poll of its own at \(time) s")
        }
    }

    @Test("a run a publication lists needs no read of its own")
    func listedRunIsNotRead() {
        var script = CoreScript.withoutLease()
        _ = script.subscribe(2, to: Fixture.runB, at: 0, messages: false)
        let taken = script.publish([Fixture.run(Fixture.runB, "running")], highWater: Fixture.updatedAt, at: 12)
        #expect(taken.events(for: 2) == [.status(status: "running", previous: nil,
                                                 run: Fixture.run(Fixture.runB, "running"),
                                                 pendingHumanRequest: nil)])
        for time in [12.0, 20, 40] {
            #expect(script.step(.tick, at: time).sent.isEmpty)
        }
    }
}
