import DuvoAPI
import JSONCore
import RunWatching
import Testing

/// The poll scheduler's transitions, in process: events in at chosen times, effects out. No clock, no sleeps.
@Suite("Poll scheduler core")
struct PollCoreTests {
    @Test("a poll reads the run, then its messages; each message once, in order, before the status; then it waits")
    func perRunPoll() {
        var script = CoreScript()
        #expect(script.subscribe(1, to: Fixture.runA, at: 0).isEmpty)
        #expect(script.step(.tick, at: 0).sent == [.readRun(ticket: 1, runID: Fixture.runA, priority: .status)])
        let read = script.step(.answered(.readRun(ticket: 1, runID: Fixture.runA, priority: .status),
                                         Fixture.read(Fixture.runA, "running")), at: 0.25)
        #expect(read.sent == [.readMessages(ticket: 1, runID: Fixture.runA, from: 0, limit: 100, priority: .status)])
        let page = script.step(.answered(.readMessages(ticket: 1, runID: Fixture.runA, from: 0, limit: 100,
                                                       priority: .status),
                                         Fixture.messages(0..<2, total: 2)), at: 0.5)
        #expect(page.events(for: 1) == [
            .message(index: 0, message: Fixture.message(0)), .message(index: 1, message: Fixture.message(1)),
            .status(status: "running", previous: nil, run: Fixture.run(Fixture.runA, "running"),
                    pendingHumanRequest: nil),
        ])
        // It just changed: the next poll comes 1 s later, from the background share.
        #expect(script.step(.tick, at: 1.25).sent.isEmpty)
        #expect(script.step(.tick, at: 1.5).sent == [.readRun(ticket: 2, runID: Fixture.runA, priority: .background)])
    }

    @Test("a follow's own read of the run is its first poll's: only the messages are read, still before the status; a run waiting for a person is read again", arguments: ["running", "waiting"])
    func followersReadIsTheFirstPoll(_ status: String) {
        var script = CoreScript()
        _ = script.subscribe(1, to: Fixture.runA, at: 0, knownRun: Fixture.run(Fixture.runA, RunStatus(rawValue: status)))
        let first = script.step(.tick, at: 0)
        guard status == "running" else {
            #expect(first.sent == [.readRun(ticket: 1, runID: Fixture.runA, priority: .status)],
                    "its request is only in the run's own answer")
            return
        }
        #expect(first.sent == [.readMessages(ticket: 1, runID: Fixture.runA, from: 0, limit: 100, priority: .status)])
        #expect(first.events(for: 1).isEmpty, "no status before the messages")
        let page = script.step(.answered(.readMessages(ticket: 1, runID: Fixture.runA, from: 0, limit: 100,
                                                       priority: .status),
                                         Fixture.messages(0..<1, total: 1)), at: 0.25)
        #expect(page.events(for: 1) == [
            .message(index: 0, message: Fixture.message(0)),
            .status(status: "running", previous: nil, run: Fixture.run(Fixture.runA, "running"),
                    pendingHumanRequest: nil),
        ])
        #expect(script.step(.tick, at: 1.5).sent == [.readRun(ticket: 2, runID: Fixture.runA, priority: .background)],
                "later polls read the run again")
    }

    @Test("at a terminal status the follow ends after the run's last messages; nothing is polled after")
    func terminalPerRun() {
        var script = CoreScript()
        _ = script.subscribe(1, to: Fixture.runA, at: 0)
        _ = script.step(.tick, at: 0)
        _ = script.step(.answered(.readRun(ticket: 1, runID: Fixture.runA, priority: .status),
                                  Fixture.read(Fixture.runA, "completed")), at: 0.25)
        let page = script.step(.answered(.readMessages(ticket: 1, runID: Fixture.runA, from: 0, limit: 100,
                                                       priority: .status),
                                         Fixture.messages(0..<1, total: 1)), at: 0.5)
        #expect(page.events(for: 1) == [
            .message(index: 0, message: Fixture.message(0)),
            .status(status: "completed", previous: nil, run: Fixture.run(Fixture.runA, "completed"),
                    pendingHumanRequest: nil),
            .ended(status: "completed", reason: .terminal, error: nil),
        ])
        #expect(script.core.watchedRunCount == 0)
        #expect(script.step(.tick, at: 10).sent.isEmpty)
    }

    @Test("one poll reads at most 10 pages of messages: the status waits for the rest, which the next poll reads on from")
    func pagesPerReadAreBounded() {
        var script = CoreScript()
        let runA = Fixture.runA
        _ = script.subscribe(1, to: runA, at: 0)
        #expect(script.step(.tick, at: 0).sent == [.readRun(ticket: 1, runID: runA, priority: .status)])
        var effects = script.step(.answered(.readRun(ticket: 1, runID: runA, priority: .status),
                                            Fixture.read(runA, "completed")), at: 0.1)
        var delivered: [RunEvent] = []
        for page in 0..<10 {
            let request = PollRequest.readMessages(ticket: 1, runID: runA, from: page * 100, limit: 100,
                                                   priority: .status)
            #expect(effects.sent == [request])
            // Full pages of a `total` far out of reach: a run that wrote thousands, or an answer that never ends.
            effects = script.step(.answered(request, Fixture.messages(page * 100..<page * 100 + 100, total: 5_000)),
                                  at: 0.2)
            delivered += effects.events(for: 1)
        }
        #expect(delivered == (0..<1_000).map { .message(index: $0, message: Fixture.message($0)) },
                "1,000 messages, in order, and no status before the ones still to come")
        #expect(effects.sent.isEmpty, "the eleventh page waits for the run's next turn")
        // The next poll reads the run again and goes on from message 1,000; the end comes after the last message.
        #expect(script.step(.tick, at: 0.3).sent == [.readRun(ticket: 2, runID: runA, priority: .status)])
        effects = script.step(.answered(.readRun(ticket: 2, runID: runA, priority: .status),
                                        Fixture.read(runA, "completed")), at: 0.4)
        #expect(effects.sent == [.readMessages(ticket: 2, runID: runA, from: 1_000, limit: 100, priority: .status)])
        effects = script.step(.answered(.readMessages(ticket: 2, runID: runA, from: 1_000, limit: 100,
                                                      priority: .status),
                                        Fixture.messages(1_000..<1_050, total: 1_050)), at: 0.5)
        let events = effects.events(for: 1)
        #expect(events.count == 52)
        #expect(events.first == .message(index: 1_000, message: Fixture.message(1_000)))
        #expect(events.suffix(2) == [
            .status(status: "completed", previous: nil, run: Fixture.run(runA, "completed"), pendingHumanRequest: nil),
            .ended(status: "completed", reason: .terminal, error: nil),
        ])
    }

    @Test("a second follow from an earlier offset, joining while the first's messages are read, gets its earlier messages before the end")
    func laterFollowFromEarlierOffset() {
        var script = CoreScript()
        let runA = Fixture.runA
        _ = script.step(.subscribed(id: 1, runID: runA, fromOffset: 2, messages: true, knownRun: nil), at: 0)
        #expect(script.step(.tick, at: 0).sent == [.readRun(ticket: 1, runID: runA, priority: .status)])
        var effects = script.step(.answered(.readRun(ticket: 1, runID: runA, priority: .status),
                                            Fixture.read(runA, "completed")), at: 0.1)
        let fromTwo = PollRequest.readMessages(ticket: 1, runID: runA, from: 2, limit: 100, priority: .status)
        #expect(effects.sent == [fromTwo])
        // The second follow joins while messages from 2 are being read.
        _ = script.step(.subscribed(id: 2, runID: runA, fromOffset: 0, messages: true, knownRun: nil), at: 0.15)
        effects = script.step(.answered(fromTwo, Fixture.messages(2..<4, total: 4)), at: 0.2)
        let fromZero = PollRequest.readMessages(ticket: 1, runID: runA, from: 0, limit: 100, priority: .status)
        #expect(effects.sent == [fromZero], "the same read goes on from the second follow's offset")
        #expect(!effects.events(for: 2).contains { if case .ended = $0 { true } else { false } })
        effects = script.step(.answered(fromZero, Fixture.messages(0..<4, total: 4)), at: 0.3)
        #expect(effects.events(for: 2) == (0..<4).map { .message(index: $0, message: Fixture.message($0)) } + [
            .status(status: "completed", previous: nil, run: Fixture.run(runA, "completed"), pendingHumanRequest: nil),
            .ended(status: "completed", reason: .terminal, error: nil),
        ])
        #expect(effects.events(for: 1).suffix(1) == [.ended(status: "completed", reason: .terminal, error: nil)])
        #expect(!effects.events(for: 1).contains { if case .message = $0 { true } else { false } },
                "the first follow had its messages once")
    }

    @Test("a follow from an offset gets only the messages from there; two follows of a run share its polls")
    func offsetsShareOnePoll() {
        var script = CoreScript()
        _ = script.subscribe(1, to: Fixture.runA, at: 0)
        _ = script.step(.subscribed(id: 2, runID: Fixture.runA, fromOffset: 1, messages: true, knownRun: nil), at: 0)
        #expect(script.step(.tick, at: 0).sent.count == 1, "one read for both")
        _ = script.step(.answered(.readRun(ticket: 1, runID: Fixture.runA, priority: .status),
                                  Fixture.read(Fixture.runA, "running")), at: 0.25)
        let page = script.step(.answered(.readMessages(ticket: 1, runID: Fixture.runA, from: 0, limit: 100,
                                                       priority: .status),
                                         Fixture.messages(0..<2, total: 2)), at: 0.5)
        #expect(page.events(for: 1).filter { if case .message = $0 { true } else { false } }.count == 2)
        #expect(page.events(for: 2).first == .message(index: 1, message: Fixture.message(1)))
        #expect(page.events(for: 2).count == 2, "message 1, then the status")
    }

    /// One failed request: does the follow end, or stall and keep trying?
    struct FailureCase: Sendable, CustomTestStringConvertible {
        let error: DuvoAPIError
        let ends: Bool
        var testDescription: String { "\(error.message) \(ends ? "ends the follow" : "stalls it")" }
    }

    static let failures: [FailureCase] = [
        FailureCase(error: Fixture.rateLimited, ends: false),
        FailureCase(error: Fixture.unavailable, ends: false),
        FailureCase(error: Fixture.dropped, ends: false),
        FailureCase(error: Fixture.timedOut, ends: false),
        FailureCase(error: Fixture.notFound, ends: true),
        FailureCase(error: Fixture.unauthorized, ends: true),
        FailureCase(error: Fixture.forbidden, ends: true),
    ]

    @Test("trouble that passes stalls a follow, which retries with back-off and says when it recovers; an answer that cannot change ends it with reason error", arguments: failures)
    func failure(_ failure: FailureCase) {
        var script = CoreScript()
        _ = script.subscribe(1, to: Fixture.runA, at: 0)
        _ = script.step(.tick, at: 0)
        let failed = script.step(.failed(.readRun(ticket: 1, runID: Fixture.runA, priority: .status), failure.error),
                                 at: 0.5)
        if failure.ends {
            #expect(failed.events(for: 1) == [.ended(status: nil, reason: .error, error: failure.error)])
            #expect(script.core.watchedRunCount == 0)
            return
        }
        #expect(failed.events(for: 1) == [.stalled(error: failure.error)])
        // Back-off: 2 s after the first failure, 4 s after the second; the stall is reported once.
        #expect(script.step(.tick, at: 2).sent.isEmpty)
        #expect(script.step(.tick, at: 2.5).sent == [.readRun(ticket: 2, runID: Fixture.runA, priority: .status)])
        let again = script.step(.failed(.readRun(ticket: 2, runID: Fixture.runA, priority: .status), failure.error),
                                at: 3)
        #expect(again.emitted.isEmpty)
        #expect(script.step(.tick, at: 6.5).sent.isEmpty)
        #expect(script.step(.tick, at: 7).sent == [.readRun(ticket: 3, runID: Fixture.runA, priority: .status)])
        let read = script.step(.answered(.readRun(ticket: 3, runID: Fixture.runA, priority: .status),
                                         Fixture.read(Fixture.runA, "running")), at: 7.5)
        #expect(read.events(for: 1) == [.recovered(stalledSeconds: 7)])
        let page = script.step(.answered(.readMessages(ticket: 3, runID: Fixture.runA, from: 0, limit: 100,
                                                       priority: .status),
                                         Fixture.messages(0..<0, total: 0)), at: 8)
        #expect(page.events(for: 1) == [.status(status: "running", previous: nil,
                                                run: Fixture.run(Fixture.runA, "running"), pendingHumanRequest: nil)])
    }

    @Test("unfollowing ends the subscription at once; a late answer to its read is ignored by a new follow")
    func unfollowIgnoresLateAnswers() {
        var script = CoreScript()
        _ = script.subscribe(1, to: Fixture.runA, at: 0)
        _ = script.step(.tick, at: 0)
        #expect(script.step(.unsubscribed(id: 1), at: 0.25).events(for: 1)
            == [.ended(status: nil, reason: .unfollowed, error: nil)])
        _ = script.subscribe(2, to: Fixture.runA, at: 0.5)
        let late = script.step(.answered(.readRun(ticket: 1, runID: Fixture.runA, priority: .status),
                                         Fixture.read(Fixture.runA, "completed")), at: 0.75)
        #expect(late.isEmpty)
        #expect(script.step(.tick, at: 1).sent == [.readRun(ticket: 2, runID: Fixture.runA, priority: .status)])
    }

    @Test("shutdown ends every subscription with reason shutdown, and one made after ends at once")
    func shutdown() {
        var script = CoreScript()
        _ = script.subscribe(1, to: Fixture.runA, at: 0)
        _ = script.subscribe(2, to: Fixture.runB, at: 0)
        let down = script.step(.shutdown, at: 1)
        #expect(down.events(for: 1) == [.ended(status: nil, reason: .shutdown, error: nil)])
        #expect(down.events(for: 2) == [.ended(status: nil, reason: .shutdown, error: nil)])
        #expect(script.subscribe(3, to: Fixture.runC, at: 2).events(for: 3)
            == [.ended(status: nil, reason: .shutdown, error: nil)])
        #expect(script.step(.tick, at: 3).sent.isEmpty)
    }

    /// What one sweep listing a followed run with some status leads to.
    struct ListingCase: Sendable, CustomTestStringConvertible {
        let status: String
        let wantsMessages: Bool
        /// The events the listing itself reports.
        let reported: [String]
        /// The request the next tick makes: "messages" (a fetch), "read" (the run, for its request) or none.
        let next: String?
        let endsAtOnce: Bool
        var testDescription: String { "listed \(status)\(wantsMessages ? "" : " (a wait)")" }
    }

    static let listings: [ListingCase] = [
        ListingCase(status: "running", wantsMessages: true, reported: ["running"], next: "messages", endsAtOnce: false),
        ListingCase(status: "waiting", wantsMessages: true, reported: [], next: "read", endsAtOnce: false),
        ListingCase(status: "completed", wantsMessages: true, reported: ["completed"], next: "messages",
                    endsAtOnce: false),
        ListingCase(status: "failed", wantsMessages: false, reported: ["failed"], next: nil, endsAtOnce: true),
        ListingCase(status: "running", wantsMessages: false, reported: ["running"], next: nil, endsAtOnce: false),
    ]

    @Test("a sweep listing reports statuses at once, reads a run only for a person's request, fetches messages only for runs that changed", arguments: listings)
    func sweepListing(_ listing: ListingCase) {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1)
        _ = script.subscribe(1, to: Fixture.runA, at: 0, messages: listing.wantsMessages)
        #expect(script.step(.tick, at: 0).sent == [.listPage(ticket: 1, offset: 0)])
        let swept = script.step(.answered(.listPage(ticket: 1, offset: 0),
                                          Fixture.listing([Fixture.run(Fixture.runA, RunStatus(rawValue: listing.status))])),
                                 at: 0.5)
        let statuses = swept.events(for: 1).compactMap { event -> String? in
            if case .status(let status, _, _, _) = event { status.rawValue } else { nil }
        }
        #expect(statuses == listing.reported)
        #expect(swept.contains(.sweepSettled(completed: 0)))
        if listing.endsAtOnce {
            #expect(swept.events(for: 1).last == .ended(status: RunStatus(rawValue: listing.status), reason: .terminal, error: nil))
            return
        }
        let next = script.step(.tick, at: 0.75).sent
        switch listing.next {
        case "messages":
            #expect(next == [.readMessages(ticket: 2, runID: Fixture.runA, from: 0, limit: 100, priority: .background)])
        case "read":
            #expect(next == [.readRun(ticket: 2, runID: Fixture.runA, priority: .status)])
        default:
            #expect(next.isEmpty)
        }
    }

    @Test("under sweeps a terminal status may come before the last messages; the follow ends after them")
    func endsAfterLastFetch() {
        var script = CoreScript.swept(Fixture.runA, "completed")
        _ = script.step(.tick, at: 0.75)
        let fetched = script.step(.answered(.readMessages(ticket: 2, runID: Fixture.runA, from: 0, limit: 100,
                                                          priority: .background),
                                            Fixture.messages(0..<2, total: 2)), at: 1)
        #expect(fetched.events(for: 1) == [
            .message(index: 0, message: Fixture.message(0)), .message(index: 1, message: Fixture.message(1)),
            .ended(status: "completed", reason: .terminal, error: nil),
        ])
    }

    @Test("a sweep cut short by the page cap before what earlier sweeps saw reads each watched run once: changes in the gap are not lost")
    func sweepCutShort() {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1, maxSweepPages: 1)
        _ = script.subscribe(1, to: Fixture.runA, at: 0, messages: false)
        _ = script.step(.tick, at: 0)
        _ = script.step(.answered(.listPage(ticket: 1, offset: 0),
                                  Fixture.listing([Fixture.run(Fixture.runA, "running")])), at: 0.5)
        // Before the next sweep, 100 other runs of the team change after run A completed (at 09:30:30): the sweep's
        // one page holds only them.
        var now = 1.0
        let sweep = script.tick(until: \.isListing, from: &now)
        guard let listing = sweep else {
            Issue.record("no second sweep came")
            return
        }
        let others = (0..<100).map { index in
            Fixture.run(String(format: "00000000-0000-4000-8000-%012d", index), "running",
                        updatedAt: "2026-05-18T09:31:\(String(format: "%02d", 59 - index % 60))Z")
        }
        _ = script.step(.answered(listing, Fixture.listing(others, total: 101)), at: now)
        let next = script.step(.tick, at: now + 0.25).sent
        #expect(next.contains(.readRun(ticket: 3, runID: Fixture.runA, priority: .status)),
                "run A is read: its change may be in the part the cut sweep did not reach (\(next))")
    }

    @Test("a read sent before a sweep and answered after it, in the same second as the end the sweep saw, does not take that end back")
    func endNotTakenBackInItsSecond() {
        var script = CoreScript.swept(Fixture.runA, "waiting")
        // A run waiting for a person is read for its request (its messages wait for their fetch).
        var now = 0.75
        let read = script.tick(until: \.isRunRead, from: &now)
        let sweep = script.tick(until: \.isListing, from: &now)
        guard let read, let sweep else {
            Issue.record("no read or no second sweep")
            return
        }
        let end = "2026-05-18T09:30:07Z"
        let ended = script.step(.answered(sweep, Fixture.listing([Fixture.run(Fixture.runA, "completed",
                                                                              updatedAt: end)])), at: now)
        #expect(ended.events(for: 1).contains { if case .status("completed", _, _, _) = $0 { true } else { false } })
        // The read, made while the run still ran in that second, comes back after the listing.
        let late = script.step(.answered(read, Fixture.read(Fixture.runA, "running", updatedAt: end)), at: now + 0.1)
        #expect(!late.events(for: 1).contains { if case .status = $0 { true } else { false } },
                "no status after the end: \(late.events(for: 1))")
    }

    @Test("under sweeps a run resumed while its last messages are fetched does not end when that fetch does")
    func resumedDuringLastFetch() {
        var script = CoreScript.swept(Fixture.runA, "completed")
        let fetch = PollRequest.readMessages(ticket: 2, runID: Fixture.runA, from: 0, limit: 100, priority: .background)
        #expect(script.step(.tick, at: 0.75).sent == [fetch])
        // A message resumes the run (Duvo resumes a completed run) while the fetch waits its turn; the next sweep
        // lists it running again.
        var now = 1.0
        let sweep = script.tick(until: \.isListing, from: &now)
        guard let listing = sweep else {
            Issue.record("no sweep came")
            return
        }
        let resumed = script.step(.answered(listing, Fixture.listing([
            Fixture.run(Fixture.runA, "running", updatedAt: "2026-05-18T09:31:00Z")])), at: now)
        #expect(resumed.events(for: 1).contains { if case .status("running", _, _, _) = $0 { true } else { false } })
        let fetched = script.step(.answered(fetch, Fixture.messages(0..<2, total: 2)), at: now + 0.1)
        #expect(!fetched.events(for: 1).contains { if case .ended = $0 { true } else { false } },
                "the run is running: its follow goes on")
        #expect(script.core.watched(Fixture.runA) != nil)
    }

    @Test("messages fetched before their second was over are fetched once more after it; the answer's Date saying it was over spares that", arguments: [false, true])
    func confirmingFetch(secondWasOver: Bool) {
        var script = CoreScript.swept(Fixture.runA, "running")
        _ = script.step(.tick, at: 0.5)
        let date = Fixture.updatedAt + (secondWasOver ? 1 : 0)
        _ = script.step(.answered(.readMessages(ticket: 2, runID: Fixture.runA, from: 0, limit: 100,
                                                priority: .background),
                                  Fixture.messages(0..<1, total: 1, serverDate: date)), at: 0.5)
        #expect(script.step(.tick, at: 1).sent.isEmpty, "the sweep is not due for 2 s, the confirmation 1 s")
        let later = script.step(.tick, at: 1.5).sent
        #expect(later == (secondWasOver ? [] : [.readMessages(ticket: 3, runID: Fixture.runA, from: 1, limit: 100,
                                                              priority: .background)]))
    }

    @Test("sweeps that fail three times in a row stall the swept follows and hand the runs back to their own polls, which recover them")
    func sweepFallback() {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1)
        _ = script.subscribe(1, to: Fixture.runA, at: 0, messages: false,
                             knownRun: Fixture.run(Fixture.runA, "running"))
        #expect(script.step(.tick, at: 0).sent == [.listPage(ticket: 1, offset: 0)])
        let first = script.step(.failed(.listPage(ticket: 1, offset: 0), Fixture.unavailable), at: 0.5)
        #expect(first.events(for: 1) == [.stalled(error: Fixture.unavailable)])
        // Sweeps back off: 4 s, then 8 s.
        #expect(script.step(.tick, at: 4.5).sent == [.listPage(ticket: 2, offset: 0)])
        _ = script.step(.failed(.listPage(ticket: 2, offset: 0), Fixture.unavailable), at: 4.5)
        #expect(script.step(.tick, at: 12.5).sent == [.listPage(ticket: 3, offset: 0)])
        #expect(script.step(.failed(.listPage(ticket: 3, offset: 0), Fixture.unavailable), at: 12.5).emitted.isEmpty)
        #expect(script.step(.tick, at: 13).sent == [.readRun(ticket: 4, runID: Fixture.runA, priority: .background)])
        let read = script.step(.answered(.readRun(ticket: 4, runID: Fixture.runA, priority: .background),
                                         Fixture.read(Fixture.runA, "running")), at: 13.5)
        #expect(read.events(for: 1) == [.recovered(stalledSeconds: 13)])
    }

    @Test("without the sweep lease the core lists nothing itself; given it, it sweeps")
    func leadershipIsAnInput() {
        var script = CoreScript.withoutLease()
        #expect(script.step(.tick, at: 0).sent.isEmpty)
        let gained = script.gainLease(at: 1)
        #expect(gained)
        #expect(script.step(.tick, at: 1).sent == [.listPage(ticket: 1, offset: 0)])
    }

    @Test("listings another process published are taken in as a sweep of this one's: statuses at once, fetches after")
    func publishedListings() {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1, sharedSweeps: true)
        _ = script.subscribe(1, to: Fixture.runA, at: 0)
        let taken = script.publish([Fixture.run(Fixture.runA, "running"), Fixture.run(Fixture.runB, "running")],
                                   highWater: Fixture.updatedAt, at: 0.5)
        #expect(taken.events(for: 1) == [.status(status: "running", previous: nil,
                                                 run: Fixture.run(Fixture.runA, "running"),
                                                 pendingHumanRequest: nil)])
        #expect(taken.contains(.sweepSettled(completed: 0)), "it counts as a sweep for who waits on listings")
        #expect(script.core.wasListed(Fixture.runB), "runs not followed here are known to exist")
        #expect(script.step(.tick, at: 0.5).sent
            == [.readMessages(ticket: 1, runID: Fixture.runA, from: 0, limit: 100, priority: .background)])
    }

    @Test("publications missed (read too late) make every swept run be read once on its own")
    func missedListings() {
        var script = CoreScript.withoutLease()
        #expect(script.step(.tick, at: 0.5).sent.isEmpty, "swept, and sweeps are another process's job")
        _ = script.publish([], highWater: nil, at: 0.6)
        _ = script.publish([], highWater: nil, at: 1, skipping: 1)
        #expect(script.step(.tick, at: 1).sent == [.readRun(ticket: 1, runID: Fixture.runA, priority: .status)])
    }
}
