import DuvoAPI
import KeyCoordination
import RunWatching
import Testing

/// Webhook events as hints to the poll core, in process on chosen times: a hint makes a watched run's read due at
/// once, never stands for its state, and the runs started with the webhook are read only as a safety net while
/// events arrive.
@Suite("Poll core with webhook hints")
struct PollCorePushTests {
    /// A core with webhooks on following run A (started with the webhook, unless `pushed` is false), wanting
    /// messages when `messages`, after its first poll found it `status` at time 0.
    static func following(_ status: RunStatus, pushed: Bool = true, messages: Bool = false) -> CoreScript {
        var script = CoreScript(webhooks: true)
        if pushed { _ = script.step(.pushExpected(runID: Fixture.runA), at: 0) }
        _ = script.subscribe(1, to: Fixture.runA, at: 0, messages: messages)
        _ = script.step(.tick, at: 0)
        let read = PollRequest.readRun(ticket: 1, runID: Fixture.runA, priority: .status)
        let answered = script.step(.answered(read, Fixture.read(Fixture.runA, status)), at: 0.1)
        if messages {
            _ = script.step(.answered(.readMessages(ticket: 1, runID: Fixture.runA, from: 0, limit: 100,
                                                    priority: .status), Fixture.messages(0..<0, total: 0)), at: 0.1)
        } else {
            #expect(answered.events(for: 1).count == 1)
        }
        return script
    }

    /// The first read due after `from`, looking every 50 ms up to `until`: its time and request.
    static func nextRead(_ script: inout CoreScript, from: Double, until: Double) -> (Double, PollRequest)? {
        var now = from
        while now <= until {
            if let request = script.step(.tick, at: now).sent.first { return (now, request) }
            now += 0.05
        }
        return nil
    }

    @Test("a hint for a watched run makes its read due at once, at status priority; the event's content is not its state")
    func hintReadsNow() {
        var script = Self.following("running")
        #expect(script.step(.tick, at: 0.5).sent.isEmpty)
        _ = script.step(.hinted(runID: Fixture.runA), at: 0.6)
        #expect(script.step(.tick, at: 0.6).sent == [.readRun(ticket: 2, runID: Fixture.runA, priority: .status)])
        // Duvo's answer, not the hint, says what the run is: a hint that came for a run still running reports nothing.
        let answer = script.step(.answered(.readRun(ticket: 2, runID: Fixture.runA, priority: .status),
                                           Fixture.read(Fixture.runA, "running")), at: 0.7)
        #expect(answer.events(for: 1).isEmpty)
        #expect(script.core.watched(Fixture.runA) != nil)
    }

    @Test("a hint for a run nobody here watches costs nothing")
    func unwatchedHint() {
        var script = Self.following("running")
        #expect(script.step(.hinted(runID: Fixture.runB), at: 0.5).isEmpty)
        #expect(script.step(.tick, at: 0.5).sent.isEmpty)
        #expect(script.core.watched(Fixture.runB) == nil)
    }

    @Test("hints are coalesced: a flood of them costs at most one read per run per 250 ms")
    func coalescing() {
        var script = Self.following("running")
        var reads: [Double] = []
        var now = 0.5
        var ticket: UInt64 = 1
        while now < 1.5 {
            _ = script.step(.hinted(runID: Fixture.runA), at: now)
            for request in script.step(.tick, at: now).sent {
                reads.append(now)
                ticket = request.ticket
                _ = script.step(.answered(request, Fixture.read(Fixture.runA, "running")), at: now)
            }
            now += 0.01
        }
        #expect(ticket > 1)
        #expect(reads.count >= 3 && reads.count <= 5, "reads at \(reads)")
        for (earlier, later) in zip(reads, reads.dropFirst()) {
            #expect(later - earlier >= 0.25 - 1e-9, "reads at \(reads)")
        }
    }

    @Test("a hint during a read under way is read again after it (the read may predate the change)")
    func hintDuringRead() {
        var script = Self.following("running")
        _ = script.step(.hinted(runID: Fixture.runA), at: 0.5)
        let first = script.step(.tick, at: 0.5).sent
        #expect(first == [.readRun(ticket: 2, runID: Fixture.runA, priority: .status)])
        _ = script.step(.hinted(runID: Fixture.runA), at: 0.6)
        #expect(script.step(.tick, at: 0.6).sent.isEmpty, "one read per run at a time")
        _ = script.step(.answered(first[0], Fixture.read(Fixture.runA, "running")), at: 0.65)
        guard let (at, request) = Self.nextRead(&script, from: 0.7, until: 1.0) else {
            Issue.record("no read after the hint that came during one")
            return
        }
        #expect(request == .readRun(ticket: 3, runID: Fixture.runA, priority: .status))
        #expect(at >= 0.75 - 1e-9, "spaced by 250 ms from the last hinted read")
    }

    /// A core with webhooks and sweeps following run A (started with the webhook, wanting messages), which the first
    /// sweep listed running at 0.5 s: its message fetch (ticket 2) is under way from then, waiting for the budget's
    /// background share. The next sweep is due at 2.5 s.
    static func sweptWithFetchUnderWay() -> CoreScript {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1, webhooks: true)
        _ = script.step(.pushExpected(runID: Fixture.runA), at: 0)
        _ = script.subscribe(1, to: Fixture.runA, at: 0)
        #expect(script.step(.tick, at: 0).sent == [.listPage(ticket: 1, offset: 0)])
        _ = script.step(.answered(.listPage(ticket: 1, offset: 0),
                                  Fixture.listing([Fixture.run(Fixture.runA, "running")])), at: 0.5)
        #expect(script.step(.tick, at: 0.5).sent
                == [.readMessages(ticket: 2, runID: Fixture.runA, from: 0, limit: 100, priority: .background)])
        return script
    }

    static let fetch = PollRequest.readMessages(ticket: 2, runID: Fixture.runA, from: 0, limit: 100,
                                                priority: .background)

    @Test("under sweeps a hint is read at once beside the run's message fetch under way, not after it; the follow ends after the last messages")
    func hintBesideFetch() {
        var script = Self.sweptWithFetchUnderWay()
        let hinted = script.step(.hinted(runID: Fixture.runA), at: 0.8)
        let read = PollRequest.readRun(ticket: 3, runID: Fixture.runA, priority: .status)
        #expect(hinted.sent == [read])
        let answered = script.step(.answered(read, Fixture.read(Fixture.runA, "completed",
                                                                  updatedAt: "2026-05-18T09:30:01Z")), at: 0.9)
        #expect(answered.events(for: 1).map(\.statusName) == ["completed"])
        // The fetch under way may have missed the last messages: one more fetch, then the end.
        let fetched = script.step(.answered(Self.fetch, Fixture.messages(0..<1, total: 1)), at: 1.0)
        #expect(fetched.events(for: 1) == [.message(index: 0, message: Fixture.message(0))])
        let last = script.step(.tick, at: 1.0).sent
        #expect(last == [.readMessages(ticket: 4, runID: Fixture.runA, from: 1, limit: 100, priority: .background)])
        let ended = script.step(.answered(last[0], Fixture.messages(1..<2, total: 2)), at: 1.1)
        #expect(ended.events(for: 1) == [.message(index: 1, message: Fixture.message(1)),
                                         .ended(status: "completed", reason: .terminal, error: nil)])
        #expect(script.step(.tick, at: 2.4).sent.isEmpty)
    }

    @Test("a hint's read beside a fetch that finds a person's request reports it with the request, and the run is not read again for it")
    func hintBesideFetchWaiting() {
        var script = Self.sweptWithFetchUnderWay()
        _ = script.step(.hinted(runID: Fixture.runA), at: 0.8)
        let read = PollRequest.readRun(ticket: 3, runID: Fixture.runA, priority: .status)
        let request = HumanRequest(id: "hr_1", kind: .approval)
        let answered = script.step(.answered(read, Fixture.read(Fixture.runA, "waiting",
                                                                  updatedAt: "2026-05-18T09:30:01Z",
                                                                  pending: request)), at: 0.9)
        #expect(answered.events(for: 1) == [.status(status: "waiting", previous: "running",
                                                    run: Fixture.run(Fixture.runA, "waiting",
                                                                     updatedAt: "2026-05-18T09:30:01Z"),
                                                    pendingHumanRequest: request)])
        _ = script.step(.answered(Self.fetch, Fixture.messages(0..<1, total: 1)), at: 1.0)
        // The request's message is fetched; the run itself is not read again. Another hint during that fetch is
        // read beside it too, 250 ms after the last.
        let next = script.step(.tick, at: 1.0).sent
        #expect(next == [.readMessages(ticket: 4, runID: Fixture.runA, from: 1, limit: 100, priority: .background)])
        #expect(script.step(.hinted(runID: Fixture.runA), at: 1.0).sent.isEmpty)
        #expect(script.core.nextWake(after: 1.0) <= 1.05 + 1e-9)
        #expect(script.step(.tick, at: 1.05).sent == [.readRun(ticket: 5, runID: Fixture.runA, priority: .status)])
    }

    @Test("a hint's read beside a fetch that fails leaves the run's own requests alone")
    func hintBesideFetchFails() {
        var script = Self.sweptWithFetchUnderWay()
        let read = script.step(.hinted(runID: Fixture.runA), at: 0.8).sent
        #expect(read == [.readRun(ticket: 3, runID: Fixture.runA, priority: .status)])
        let failed = script.step(.failed(read[0], Fixture.unavailable), at: 0.9)
        #expect(failed.events(for: 1).isEmpty, "not a stall: the fetch goes on")
        let fetched = script.step(.answered(Self.fetch, Fixture.messages(0..<1, total: 1)), at: 1.0)
        #expect(fetched.events(for: 1) == [.message(index: 0, message: Fixture.message(0))])
        #expect(script.core.watched(Fixture.runA)?.health == .healthy)
    }

    @Test("a run started with the webhook is read every 60 s as a safety net; one started without it as ever")
    func safetyNet() {
        var pushed = Self.following("running")
        #expect(Self.nextRead(&pushed, from: 0.2, until: 59.9) == nil)
        #expect(Self.nextRead(&pushed, from: 60.1, until: 60.2)?.1
                == .readRun(ticket: 2, runID: Fixture.runA, priority: .background))
        var polled = Self.following("running", pushed: false)
        #expect(Self.nextRead(&polled, from: 0.2, until: 2)?.1
                == .readRun(ticket: 2, runID: Fixture.runA, priority: .background))
    }

    @Test("a running run whose messages are followed is still polled as ever; one waiting on a person is not")
    func messagesOfARunningRun() {
        var running = Self.following("running", messages: true)
        #expect(Self.nextRead(&running, from: 0.2, until: 2) != nil)
        var waiting = Self.following("pending", messages: true)
        #expect(Self.nextRead(&waiting, from: 0.2, until: 59.9) == nil)
    }

    @Test("a bus that cannot deliver: warn once and poll as ever; safety net again once it delivers")
    func busUnavailable() {
        var script = Self.following("running")
        let down = script.step(.eventBus(.unavailable("redis down")), at: 0.5)
        #expect(down.warnings.count == 1)
        #expect(script.step(.eventBus(.unavailable("redis still down")), at: 0.6).warnings.isEmpty)
        guard let (_, request) = Self.nextRead(&script, from: 0.6, until: 12) else {
            Issue.record("no poll while the bus is down")
            return
        }
        #expect(script.step(.eventBus(.receiving), at: 12).warnings.count == 1)
        _ = script.step(.answered(request, Fixture.read(Fixture.runA, "running")), at: 12)
        #expect(Self.nextRead(&script, from: 12.1, until: 71.9) == nil)
    }

    @Test("a change the safety net finds with no event for it: warn once, then every run is polled as ever")
    func missedEvent() {
        var script = Self.following("running")
        _ = script.step(.pushExpected(runID: Fixture.runB), at: 30)
        _ = script.subscribe(2, to: Fixture.runB, at: 30, messages: false)
        let readB = script.step(.tick, at: 30).sent
        #expect(readB == [.readRun(ticket: 2, runID: Fixture.runB, priority: .status)])
        _ = script.step(.answered(readB[0], Fixture.read(Fixture.runB, "running")), at: 30)
        guard let (_, request) = Self.nextRead(&script, from: 30.1, until: 60.2) else {
            Issue.record("no safety-net read")
            return
        }
        _ = script.step(.answered(request, Fixture.read(Fixture.runA, "waiting")), at: 60.2)
        // The event may still be on its way for a few seconds.
        #expect(script.step(.tick, at: 62).warnings.isEmpty)
        let missed = script.step(.tick, at: 65.3)
        #expect(missed.warnings.count == 1)
        #expect(missed.warnings.first?.contains("not arriving") == true)
        var polled: Set<String> = []
        var now = 65.3
        while now < 76 {
            for request in script.step(.tick, at: now).sent {
                if let runID = request.runID { polled.insert(runID) }
                let status: RunStatus = request.runID == Fixture.runA ? "waiting" : "running"
                _ = script.step(.answered(request, Fixture.read(request.runID ?? "", status)), at: now)
            }
            now += 0.05
        }
        #expect(polled.contains(Fixture.runB), "run B is polled as ever from now on, not 60 s after its last read")
    }

    @Test("an event that comes within the grace is no missed event")
    func lateEvent() {
        var script = Self.following("running")
        guard let (_, request) = Self.nextRead(&script, from: 0.2, until: 60.2) else {
            Issue.record("no safety-net read")
            return
        }
        _ = script.step(.answered(request, Fixture.read(Fixture.runA, "waiting")), at: 60.2)
        _ = script.step(.hinted(runID: Fixture.runA), at: 61)
        #expect(script.step(.tick, at: 70).warnings.isEmpty)
    }
}

extension [PollEffect] {
    /// The warnings among the effects.
    var warnings: [String] {
        compactMap { if case .log(.warning, let line) = $0 { line } else { nil } }
    }
}

extension RunEvent {
    /// The status a `status` event reports (nil for any other event).
    var statusName: String? {
        if case .status(let status, _, _, _) = self { status.rawValue } else { nil }
    }
}

extension PollRequest {
    var runID: String? {
        switch self {
        case .readRun(_, let runID, _), .readMessages(_, let runID, _, _, _): runID
        case .listPage: nil
        }
    }
}
