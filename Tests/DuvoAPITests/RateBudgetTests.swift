import KeyCoordination
import TestSupport
import Testing

@Suite("Rate budget")
struct RateBudgetTests {
    @Test("past the allowance a caller waits (until cancelled); background work gets only its share")
    func blocksPastAllowance() async throws {
        let budget = RateBudget(limit: 5, backgroundShare: 0.6)
        #expect(budget.allowance(for: .background) == 3)
        for _ in 0..<3 { try await budget.acquire(.background) }
        let blocked = Task { try await budget.acquire(.background) }
        try await budget.acquire(.interactive)
        try await budget.acquire(.interactive)
        #expect(await budget.usedInWindow() == 5)
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
        #expect(await budget.usedInWindow() == 5)
    }

    @Test("when a slot frees, a status report goes first, then a client's call, then background work")
    func higherPriorityFirst() async throws {
        // The budget's clock stands still until all three wait: on a busy machine a waiter may start seconds late,
        // and on a real clock it would find the block already over and never be counted as waiting.
        let clock = ManualPollClock()
        let budget = RateBudget(limit: 100, clock: clock)
        let order = OrderLog()
        await budget.penalize(retryAfter: 3)
        var waiters: [Task<Void, any Error>] = []
        for priority in [RateBudget.Priority.background, .interactive, .status] {
            waiters.append(Task {
                try await budget.acquire(priority)
                await order.append(priority)
            })
        }
        while await budget.waitingCount() < 3 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(await budget.usedInWindow() == 0, "all three wait out the block")
        // From now on time moves whenever someone waits on it.
        let timeKeeper = Task {
            for await _ in clock.sleeps { clock.advanceToNextWake() }
        }
        defer { timeKeeper.cancel() }
        clock.advanceToNextWake()
        for waiter in waiters { try await waiter.value }
        #expect(await order.entries == [.status, .interactive, .background])
    }

    @Test("background work is paced: after a short burst it waits for its share to refill")
    func backgroundIsPaced() async throws {
        // 6 background requests a minute: a burst of 3, then one every 10 s.
        let budget = RateBudget(limit: 60, backgroundShare: 0.1)
        for _ in 0..<3 { try await budget.acquire(.background) }
        let paced = Task { try await budget.acquire(.background) }
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(await budget.usedInWindow() == 3, "the fourth background request waits")
        try await budget.acquire(.interactive)
        #expect(await budget.usedInWindow() == 4, "a client's call does not wait for the background pace")
        paced.cancel()
        await #expect(throws: CancellationError.self) { try await paced.value }
    }
}

extension RateBudgetTests {
    @Test("while statuses are reported, clients' calls leave a fifth of the log to them; otherwise all of it")
    func statusReserve() async throws {
        let quiet = RateBudget(limit: 10)
        for _ in 0..<10 { try await quiet.acquire(.interactive) }
        #expect(await quiet.usedInWindow() == 10, "no status news: a client may use the whole allowance at once")

        let budget = RateBudget(limit: 10)
        try await budget.acquire(.status)
        for _ in 0..<7 { try await budget.acquire(.interactive) }
        let held = Task { try await budget.acquire(.interactive) }
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(await budget.usedInWindow() == 8, "the ninth request would leave less than 2 slots to statuses")
        try await budget.acquire(.status)
        try await budget.acquire(.status)
        #expect(await budget.usedInWindow() == 10, "sweeps still go")
        held.cancel()
        await #expect(throws: CancellationError.self) { try await held.value }
    }
}

/// The order in which waiters got their slots.
private actor OrderLog {
    var entries: [RateBudget.Priority] = []
    func append(_ priority: RateBudget.Priority) { entries.append(priority) }
}

/// A store that grants everything and keeps the penalties it was given.
private final class PenaltyRecorder: BudgetStore {
    let penalties = Locked<[Double]>([])
    func attempt(_ request: SlotRequest) -> SlotDecision { .granted }
    func penalize(seconds: Double) { penalties.withLock { $0.append(seconds) } }
    func noteStatusNews() {}
    func leave(_ participant: String) {}
    func usedInWindow() -> Int { 0 }
    var label: String { "a recorder" }
}

extension RateBudgetTests {
    @Test("a Retry-After of 30 days reaches any store as the longest penalty, 15 minutes: the next 429 renews it")
    func longestPenalty() async {
        let store = PenaltyRecorder()
        let budget = RateBudget(limit: 10, store: store)
        await budget.penalize(retryAfter: 30 * 86400)
        await budget.penalize(retryAfter: 2)
        #expect(store.penalties.withLock { $0 } == [BudgetLedger.longestPenalty, 2])
    }
}

/// A shared log on a manual clock that takes `delay` seconds of it to answer how much it holds.
private final class SlowLog: BudgetStore {
    let clock = ManualClock()
    let delay: Double
    private let ledger: LocalBudgetStore

    init(delay: Double) {
        self.delay = delay
        ledger = LocalBudgetStore(clock: clock)
    }

    func attempt(_ request: SlotRequest) -> SlotDecision { ledger.attempt(request) }
    func penalize(seconds: Double) { ledger.penalize(seconds: seconds) }
    func noteStatusNews() {}
    func leave(_ participant: String) {}
    func usedInWindow() -> Int {
        defer { clock.advance(by: delay) }
        return ledger.usedInWindow()
    }
    var label: String { "a slow log" }
}

extension RateBudgetTests {
    @Test("a process alone never sees others on its key, even when the shared log is slow to answer at a window's edge")
    func aloneAtTheWindowsEdge() async throws {
        let log = SlowLog(delay: 1)
        let budget = RateBudget(limit: 10, store: log, clock: log.clock)
        try await budget.acquire(.interactive)
        log.clock.advance(by: BudgetLedger.window - 0.5)
        #expect(await budget.othersSentLately() == false, "the one send in the log is this process's own")
    }
}

extension RateBudgetTests {
    @Test("a process alone never sees others on its key while the log has counted a send whose grant is on its way back")
    func aloneWhileAGrantComesBack() async throws {
        let log = HeldGrants()
        let budget = RateBudget(limit: 10, store: log)
        let send = Task { try await budget.acquire(.interactive) }
        // The log has counted the send; its answer is held, so the budget has not stamped it as its own yet.
        while log.counted.withLock({ $0 }) == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        #expect(await budget.othersSentLately() == false, "the one send in the log is this process's own")
        log.release()
        try await send.value
        #expect(await budget.othersSentLately() == false)
    }
}

/// A shared log that counts each granted send at once but holds its answer until ``release()``: the moment when the
/// log knows of a send that its sender has not heard back about (a slow file queue or Redis on a loaded machine).
private final class HeldGrants: BudgetStore {
    let counted = Locked(0)
    private let ledger = LocalBudgetStore()
    private let gate = Locked<[CheckedContinuation<Void, Never>]?>([])

    func attempt(_ request: SlotRequest) async -> SlotDecision {
        let decision = ledger.attempt(request)
        counted.withLock { $0 += 1 }
        await withCheckedContinuation { continuation in
            let held = gate.withLock { waiting -> Bool in
                guard waiting != nil else { return false }
                waiting?.append(continuation)
                return true
            }
            if !held { continuation.resume() }
        }
        return decision
    }

    func release() {
        for continuation in gate.withLock({ waiting in defer { waiting = nil }; return waiting ?? [] }) {
            continuation.resume()
        }
    }

    func penalize(seconds: Double) { ledger.penalize(seconds: seconds) }
    func noteStatusNews() {}
    func leave(_ participant: String) {}
    func usedInWindow() -> Int { ledger.usedInWindow() }
    var label: String { "a log that holds its grants" }
}

extension RateBudgetTests {
    @Test("a budget waits on its injected clock: a caller held by a 429's 30 s block goes as soon as that clock passes it",
          .timeLimit(.minutes(1)))
    func waitsOnItsClock() async throws {
        let clock = ManualPollClock()
        let budget = RateBudget(limit: 100, clock: clock)
        await budget.penalize(retryAfter: 30)
        let held = Task { try await budget.acquire(.interactive) }
        var sleeps = clock.sleeps.makeAsyncIterator()
        await sleeps.next()
        #expect(await budget.usedInWindow() == 0, "held by the block")
        // From now on time moves whenever the budget waits on it.
        clock.advanceToNextWake()
        let timeKeeper = Task {
            while await sleeps.next() != nil { clock.advanceToNextWake() }
        }
        defer { timeKeeper.cancel() }
        try await held.value
        #expect(clock.now() >= 30)
        #expect(await budget.usedInWindow() == 1)
    }
}
