import KeyCoordination
import Testing

/// The shared ledger's rule on a manual clock: what every participant (process) of one key is allowed, and when.
@Suite("Budget ledger")
struct BudgetLedgerTests {
    private let allowances = Allowances(limit: 10, backgroundShare: 0.5)

    private func request(_ participant: String, _ priority: RateBudget.Priority,
                         after: RateBudget.Priority? = nil) -> SlotRequest {
        SlotRequest(participant: participant, priority: priority, waitingAfterGrant: after, allowances: allowances)
    }

    @Test("participants together never exceed the limit in a window; the oldest send frees the next slot")
    func limitAcrossParticipants() {
        var ledger = BudgetLedger()
        var granted = 0
        for second in 0..<20 {
            for participant in ["a", "b", "c"] where ledger.attempt(request(participant, .interactive),
                                                                      now: Double(second)) == .granted {
                granted += 1
            }
        }
        #expect(granted == 10, "ten slots for three participants in the first minute")
        #expect(ledger.attempt(request("a", .interactive), now: 60.5) == .wait(seconds: 0.5))
        #expect(ledger.attempt(request("a", .interactive), now: 61.25) == .granted, "the sends at 0 s left the window")
    }

    @Test("a participant may not take a slot while another one has a more urgent caller waiting")
    func prioritiesAcrossParticipants() {
        var ledger = BudgetLedger()
        for second in 0..<10 { _ = ledger.attempt(request("a", .interactive), now: Double(second) / 10) }
        // b's status request waits for the full log and registers; a's client call may not jump ahead of it.
        #expect(ledger.attempt(request("b", .status), now: 50) == .wait(seconds: BudgetLedger.heartbeat))
        #expect(ledger.attempt(request("b", .status), now: 60.5) == .wait(seconds: 0.5), "b renews as it waits")
        #expect(ledger.attempt(request("a", .interactive), now: 61.05) == .wait(seconds: BudgetLedger.yieldPause))
        #expect(ledger.attempt(request("b", .status), now: 61.06) == .granted)
        #expect(ledger.waiters["b"] == nil, "b no longer waits")
    }

    @Test("a waiter that stops renewing (its process was killed) stops outranking others within seconds")
    func deadWaiterIsForgotten() {
        var ledger = BudgetLedger()
        ledger.penalize(seconds: 1, now: 0)
        #expect(ledger.attempt(request("dead", .status), now: 0) != .granted)
        #expect(ledger.attempt(request("alive", .background), now: 1.5) == .wait(seconds: BudgetLedger.yieldPause))
        #expect(ledger.attempt(request("alive", .background), now: BudgetLedger.waiterLifetime + 0.01) == .granted)
    }

    @Test("a 429's penalty holds every participant back until it passes")
    func sharedPenalty() {
        var ledger = BudgetLedger()
        ledger.penalize(seconds: 5, now: 10)
        #expect(ledger.attempt(request("a", .status), now: 14.5) == .wait(seconds: 0.5))
        #expect(ledger.attempt(request("b", .interactive), now: 14.75) == .wait(seconds: 0.25))
        #expect(ledger.attempt(request("a", .status), now: 15) == .granted)
        #expect(ledger.attempt(request("b", .interactive), now: 15) == .granted)
    }

    @Test("once a follow is registered, clients' calls leave the status reserve free, from the first start")
    func statusReserveFromTheFirstFollow() {
        var ledger = BudgetLedger()
        ledger.noteStatusNews(now: 0)
        var starts = 0
        while ledger.attempt(request("a", .interactive), now: 1) == .granted { starts += 1 }
        #expect(starts == 8, "two of ten slots stay for statuses")
        #expect(ledger.attempt(request("b", .status), now: 1) == .granted)
    }

    @Test("statuses beyond what clients may fill are spread over the minute, not spent in its first seconds")
    func reserveIsPaced() {
        let big = Allowances(limit: 60, backgroundShare: 0.5)  // clients 48 while statuses flow; reserve 12
        func status(_ now: Double) -> SlotDecision {
            ledger.attempt(SlotRequest(participant: "s", priority: .status, waitingAfterGrant: nil, allowances: big),
                           now: now)
        }
        var ledger = BudgetLedger()
        ledger.noteStatusNews(now: 0)
        for _ in 0..<48 {
            _ = ledger.attempt(SlotRequest(participant: "c", priority: .interactive, waitingAfterGrant: nil,
                                           allowances: big), now: 0)
        }
        #expect(status(0) == .granted)
        #expect(status(0) == .granted, "a short burst")
        #expect(status(0) == .wait(seconds: BudgetLedger.heartbeat), "then one every 5 s (12 a minute)")
        #expect(status(4.5) == .wait(seconds: 0.5))
        #expect(status(5) == .granted)
        #expect(ledger.used(now: 5) == 51)
    }

    @Test("background work fills only its share of the log")
    func backgroundShare() {
        var ledger = BudgetLedger()
        var fetched = 0
        for second in 0..<60 where ledger.attempt(request("a", .background), now: Double(second)) == .granted {
            fetched += 1
        }
        #expect(fetched == 5)
        #expect(ledger.attempt(request("a", .interactive), now: 59) == .granted)
    }

    @Test("every participant's background work together keeps one pace: a short burst, then evenly over the minute")
    func backgroundPaceIsShared() {
        let big = Allowances(limit: 300, backgroundShare: 0.8)  // 240 a minute: bursts of 24, then one every 0.254 s
        func background(_ participant: String, _ now: Double) -> SlotDecision {
            ledger.attempt(SlotRequest(participant: participant, priority: .background, waitingAfterGrant: nil,
                                       allowances: big), now: now)
        }
        var ledger = BudgetLedger()
        var granted = 0
        for participant in (0..<20).map({ "p\($0)" }) {
            for _ in 0..<24 where background(participant, 0) == .granted { granted += 1 }
        }
        #expect(granted == 24, "twenty processes' bursts are one burst")
        guard case .wait(let seconds) = background("p1", 0.1) else {
            Issue.record("the 25th background request went at once")
            return
        }
        #expect(abs(seconds - (big.backgroundSpacing - 0.1)) < 1e-9, "the next one goes one spacing on")
        #expect(background("p2", big.backgroundSpacing) == .granted)
        #expect(ledger.attempt(SlotRequest(participant: "c", priority: .interactive, waitingAfterGrant: nil,
                                           allowances: big), now: 0.25) == .granted,
                "a client's call does not wait for the background pace")
    }

    @Test("background work fills what other requests leave of an even spread: after a burst of clients' calls it waits")
    func backgroundYieldsToOtherRequests() {
        let big = Allowances(limit: 300, backgroundShare: 0.8)
        var ledger = BudgetLedger()
        for _ in 0..<60 {
            _ = ledger.attempt(SlotRequest(participant: "c", priority: .interactive, waitingAfterGrant: nil,
                                           allowances: big), now: 0)
        }
        let background = SlotRequest(participant: "b", priority: .background, waitingAfterGrant: nil, allowances: big)
        // Sixty calls are a quarter minute of an even spread; background work may be a burst ahead of it, no more.
        let due = 60 * big.backgroundSpacing - big.backgroundTolerance
        #expect(ledger.attempt(background, now: due - 0.5) != .granted)
        #expect(ledger.attempt(background, now: due) == .granted)
        #expect(ledger.used(now: due) == 61, "the log had room all along: the spread, not the log, held it back")
    }
}
