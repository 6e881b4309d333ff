import DuvoAPI
import KeyCoordination
import RunWatching
import Testing

/// A swept run's status read that falls due while its message fetch waits for the budget's background share goes
/// beside that fetch, in process on chosen times.
@Suite("Poll core: status reads beside a message fetch")
struct PollCoreStatusReadTests {
    @Test("a run a sweep lists waiting for a person is read at once beside its message fetch under way, not after it")
    func waitingBesideFetch() {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1)
        _ = script.subscribe(1, to: Fixture.runA, at: 0)
        _ = script.step(.tick, at: 0)
        _ = script.step(.answered(.listPage(ticket: 1, offset: 0),
                                  Fixture.listing([Fixture.run(Fixture.runA, "running")])), at: 0.5)
        let fetch = PollRequest.readMessages(ticket: 2, runID: Fixture.runA, from: 0, limit: 100, priority: .background)
        #expect(script.step(.tick, at: 0.5).sent == [fetch])
        // The fetch still waits for the budget when the next sweep lists the run waiting.
        #expect(script.step(.tick, at: 2.5).sent == [.listPage(ticket: 3, offset: 0)])
        let waiting = Fixture.run(Fixture.runA, "waiting", updatedAt: "2026-05-18T09:30:01Z")
        _ = script.step(.answered(.listPage(ticket: 3, offset: 0), Fixture.listing([waiting])), at: 2.6)
        let read = PollRequest.readRun(ticket: 4, runID: Fixture.runA, priority: .status)
        #expect(script.step(.tick, at: 2.6).sent == [read])
        let request = HumanRequest(id: "hr_1", kind: .approval)
        let answered = script.step(.answered(read, Fixture.read(Fixture.runA, "waiting",
                                                                  updatedAt: "2026-05-18T09:30:01Z",
                                                                  pending: request)), at: 2.7)
        #expect(answered.events(for: 1) == [.status(status: "waiting", previous: "running", run: waiting,
                                                    pendingHumanRequest: request)])
        // The fetch ends; the request's message comes with the next; the run is not read again for its request.
        let fetched = script.step(.answered(fetch, Fixture.messages(0..<1, total: 1)), at: 3.0)
        #expect(fetched.events(for: 1) == [.message(index: 0, message: Fixture.message(0))])
        #expect(script.step(.tick, at: 3.0).sent
                == [.readMessages(ticket: 5, runID: Fixture.runA, from: 1, limit: 100, priority: .background)])
    }
}
