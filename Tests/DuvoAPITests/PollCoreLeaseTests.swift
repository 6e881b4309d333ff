import DuvoAPI
import JSONCore
import KeyCoordination
import RunWatching
import Testing

/// The core's side of sweeps shared between processes, step by step on a manual clock: the lease sought, won,
/// renewed, handed on, taken by another or run out; publications made and taken in; a store that fails.
@Suite("Poll scheduler core, the sweep lease")
struct PollCoreLeaseTests {
    static let runA = Fixture.run(Fixture.runA, "running")

    /// A core sharing sweeps, from one run on, following run A (known to be running): its first round asks for the
    /// lease.
    static func following() -> (CoreScript, [PollEffect]) {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1, sharedSweeps: true)
        let first = script.subscribe(1, to: Fixture.runA, at: 0, messages: false, knownRun: runA)
        return (script, first)
    }

    @Test("a process that wins the lease first reads the latest publication, then sweeps from its floor and publishes each sweep after it")
    func winLeadPublish() {
        var (script, first) = Self.following()
        #expect(first.shared == [.acquireOrRenewLease(lifetime: 5)], "enough runs for sweeps: the lease is sought")
        #expect(script.step(.tick, at: 0).sent.isEmpty, "no sweep before the lease")
        let won = script.step(.leaseAnswered(leads: true), at: 0.01)
        #expect(won.shared == [.readPublications])
        #expect(script.step(.tick, at: 0.02).sent.isEmpty, "no sweep before the predecessor's publication is read")
        let earlier: JSONValue = ["sequence": 6, "runs": []]
        let latest = Fixture.snapshot(sequence: 7, runs: [], highWater: Fixture.updatedAt, takenAt: Fixture.wall(-1),
                                      earlier: [earlier])
        _ = script.step(.publicationsRead(latest, wallNow: Fixture.wall(0.03)), at: 0.03)
        let sweep = script.step(.tick, at: 0.04)
        #expect(sweep.sent == [.listPage(ticket: 1, offset: 0)])
        let listed = script.step(.answered(.listPage(ticket: 1, offset: 0), Fixture.listing([
            Fixture.run(Fixture.runA, "running", updatedAt: "2026-05-18T09:30:05Z"),
            Fixture.run(Fixture.runC, "running", updatedAt: "2026-05-18T09:29:00Z"),
        ], total: 500)), at: 0.1)
        #expect(listed.sent.isEmpty, "one page reached the predecessor's floor")
        let publication: JSONValue = ["sequence": 8, "runs": [
            Fixture.run(Fixture.runA, "running", updatedAt: "2026-05-18T09:30:05Z").json,
            Fixture.run(Fixture.runC, "running", updatedAt: "2026-05-18T09:29:00Z").json,
        ]]
        #expect(listed.shared == [.publish(sequence: 8, payload: [
            "high_water": .double(Fixture.updatedAt + 5), "sweeps": [earlier, ["sequence": 7, "runs": []], publication],
        ])], "numbered after the predecessor's, the window kept")
    }

    @Test("a publication numbered beyond JSON's exact integers (Int.max) is ignored: the next leader numbers its own, no overflow")
    func absurdSequence() {
        var (script, _) = Self.following()
        _ = script.step(.leaseAnswered(leads: true), at: 0.01)
        let forged = Fixture.snapshot(sequence: Int.max, runs: [], highWater: nil, takenAt: Fixture.wall(-1))
        _ = script.step(.publicationsRead(forged, wallNow: Fixture.wall(0.03)), at: 0.03)
        #expect(script.step(.tick, at: 0.04).sent == [.listPage(ticket: 1, offset: 0)])
        let listed = script.step(.answered(.listPage(ticket: 1, offset: 0), Fixture.listing([Self.runA])), at: 0.1)
        let published = listed.shared.compactMap { effect -> Int? in
            if case .publish(let sequence, _) = effect { sequence } else { nil }
        }
        #expect(published == [1], "numbered as if nothing had been published")
    }

    @Test("a leader renews its lease each round; when another process took it, it stops sweeping and reads that one's publications")
    func leaseTakenByAnother() {
        var (script, _) = Self.following()
        _ = script.step(.leaseAnswered(leads: true), at: 0)
        _ = script.step(.publicationsRead(nil, wallNow: Fixture.wall(0)), at: 0)
        #expect(script.step(.tick, at: 0).sent == [.listPage(ticket: 1, offset: 0)])
        _ = script.step(.answered(.listPage(ticket: 1, offset: 0), Fixture.listing([Self.runA])), at: 0.1)
        let renewal = script.step(.tick, at: 0.5)
        #expect(renewal.shared == [.acquireOrRenewLease(lifetime: 5)], "renewed every round")
        _ = script.step(.leaseAnswered(leads: true), at: 0.6)
        #expect(script.step(.tick, at: 0.7).shared.isEmpty, "the next round is due half a second after the last")
        #expect(script.step(.tick, at: 1.1).shared == [.acquireOrRenewLease(lifetime: 5)])
        let lost = script.step(.leaseAnswered(leads: false), at: 1.2)
        #expect(lost.shared == [.readPublications])
        #expect(lost.contains(.log(.debug, "another process sweeps")))
        _ = script.step(.publicationsRead(nil, wallNow: Fixture.wall(1.2)), at: 1.2)
        for time in [2.1, 4.0, 8.0] {
            #expect(script.step(.tick, at: time).sent.isEmpty, "no sweep of its own at \(time) s")
        }
        script.nextSequence = 2  // the new leader read this process's last publication, number 1
        let taken = script.publish([Fixture.run(Fixture.runA, "completed", updatedAt: "2026-05-18T09:31:00Z")],
                                   highWater: Fixture.updatedAt + 60, at: 8.5)
        #expect(taken.events(for: 1).last == .ended(status: "completed", reason: .terminal, error: nil),
                "the new leader's publication is taken in")
    }

    @Test("a lease whose renewal does not come back within its term is given up: another process may hold it by then")
    func leaseRunsOut() {
        var (script, _) = Self.following()
        _ = script.step(.leaseAnswered(leads: true), at: 0)
        _ = script.step(.publicationsRead(nil, wallNow: Fixture.wall(0)), at: 0)
        var ticket: UInt64 = 1
        var time = 0.0
        // Sweeps every 2 s; renewals asked for every round from 0.5 s on, never answered.
        while time < 5 {
            #expect(script.step(.tick, at: time).sent == [.listPage(ticket: ticket, offset: 0)], "sweep at \(time) s")
            _ = script.step(.answered(.listPage(ticket: ticket, offset: 0), Fixture.listing([Self.runA])), at: time)
            ticket += 1
            time += 2
        }
        let expired = script.step(.tick, at: 6)
        #expect(expired.sent.isEmpty, "the term (5 s from the last renewal granted) is over: no sweep")
        #expect(expired.contains(.log(.debug,
                                      "the sweep lease ran out before it was renewed; another process may sweep")))
        // The renewal comes back after all, granted: the lease is taken over afresh (publications read first).
        #expect(script.step(.leaseAnswered(leads: true), at: 6.5).shared == [.readPublications])
        _ = script.step(.publicationsRead(nil, wallNow: Fixture.wall(6.5)), at: 6.5)
        #expect(script.step(.tick, at: 6.5).sent == [.listPage(ticket: ticket, offset: 0)])
    }

    @Test("a lease or publications that cannot be read count as none: a leader stops sweeping, the round goes on")
    func storeFails() {
        var (script, _) = Self.following()
        let broken = CoordinationError.file(path: "/run/user/1000/duvo/sweep-x.lease", reason: "cannot lock")
        let failed = script.step(.sharingFailed(broken), at: 0)
        #expect(failed.shared == [.readPublications], "not granted: it follows whoever leads")
        #expect(failed.contains(.log(.debug, "sweep lease: \(broken)")))
        let unread = script.step(.sharingFailed(broken), at: 0.1)
        #expect(unread.shared.isEmpty)
        #expect(script.step(.tick, at: 0.3).shared.isEmpty)
        #expect(script.step(.tick, at: 0.6).shared == [.acquireOrRenewLease(lifetime: 5)], "the next round asks again")
        _ = script.step(.leaseAnswered(leads: true), at: 0.6)
        _ = script.step(.publicationsRead(nil, wallNow: Fixture.wall(0.6)), at: 0.6)
        #expect(script.step(.tick, at: 0.7).sent == [.listPage(ticket: 1, offset: 0)])
        #expect(script.step(.tick, at: 1.1).shared == [.acquireOrRenewLease(lifetime: 5)])
        _ = script.step(.sharingFailed(broken), at: 1.2)
        _ = script.step(.answered(.listPage(ticket: 1, offset: 0), Fixture.listing([Self.runA])), at: 1.3)
        #expect(script.step(.tick, at: 3.5).sent.isEmpty, "a lease it cannot renew is not held: no sweep")
    }

    @Test("with too few runs for sweeps a process seeks no lease, asks whether others spend the key, and takes in only fresh publications")
    func standingBy() {
        var script = CoreScript(canListRuns: true, sweepThreshold: 2, sharedSweeps: true)
        let first = script.subscribe(1, to: Fixture.runA, at: 0, messages: false, knownRun: Self.runA)
        #expect(first.shared == [.readPublications], "one run: too few to seek the lease for")
        let listed = Fixture.run(Fixture.runA, "completed", updatedAt: "2026-05-18T09:30:05Z")
        let stale = Fixture.snapshot(sequence: 3, runs: [listed], highWater: Fixture.updatedAt + 5,
                                     takenAt: Fixture.wall(0) - 6)
        let old = script.step(.publicationsRead(stale, wallNow: Fixture.wall(0)), at: 0)
        #expect(old.emitted.isEmpty, "a publication older than a lease's term is not taken in: nobody leads")
        #expect(old.shared == [.askWhetherOthersUseKey])
        _ = script.step(.othersOnKey(false), at: 0)
        #expect(script.step(.tick, at: 0.5).shared == [.readPublications], "alone on the key: it goes on polling")
        let fresh = Fixture.snapshot(sequence: 3, runs: [listed], highWater: Fixture.updatedAt + 5,
                                     takenAt: Fixture.wall(0.5) - 1)
        let taken = script.step(.publicationsRead(fresh, wallNow: Fixture.wall(0.5)), at: 0.5)
        #expect(taken.events(for: 1) == [
            .status(status: "completed", previous: "running", run: listed, pendingHumanRequest: nil),
            .ended(status: "completed", reason: .terminal, error: nil),
        ], "another process sweeps anyway: its listing watches the run for free")
    }

    @Test("the lease is handed on when nothing is followed any more, at shutdown, and when it is granted too late")
    func handOn() {
        var (script, _) = Self.following()
        _ = script.step(.leaseAnswered(leads: true), at: 0)
        _ = script.step(.publicationsRead(nil, wallNow: Fixture.wall(0)), at: 0)
        #expect(script.step(.unsubscribed(id: 1), at: 0.1).shared == [.releaseLease], "nothing followed: at once")
        _ = script.subscribe(2, to: Fixture.runA, at: 0.2, messages: false, knownRun: Self.runA)
        _ = script.step(.leaseAnswered(leads: true), at: 0.2)
        _ = script.step(.publicationsRead(nil, wallNow: Fixture.wall(0.2)), at: 0.2)
        #expect(script.step(.shutdown, at: 0.3).shared == [.releaseLease], "shutdown")
        #expect(script.step(.leaseAnswered(leads: true), at: 0.4).shared == [.releaseLease],
                "a lease granted after nothing wants it any more is handed on at once")
    }
}
