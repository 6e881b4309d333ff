import DuvoAPI
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
        let budget = RateBudget(limit: 100)
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
    @Test("a backlog of calls is paced after a burst, before the log is full; news of a status does not wait for it")
    func backlogIsPaced() async throws {
        // 12 a minute: a burst of 10, then (12 - 10) / 61 s, one every ~30 s, so the log never fills.
        let budget = RateBudget(limit: 12)
        for _ in 0..<10 { try await budget.acquire(.interactive) }
        let paced = Task { try await budget.acquire(.interactive) }
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(await budget.usedInWindow() == 10, "the eleventh call waits for the pace, with room in the log")
        try await budget.acquire(.status)
        #expect(await budget.usedInWindow() == 11, "a sweep goes at once")
        paced.cancel()
        await #expect(throws: CancellationError.self) { try await paced.value }
    }
}

/// The order in which waiters got their slots.
private actor OrderLog {
    var entries: [RateBudget.Priority] = []
    func append(_ priority: RateBudget.Priority) { entries.append(priority) }
}
