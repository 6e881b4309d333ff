import Dispatch
import Foundation
import Platform
import Synchronization
import Testing

@Suite("Blocking work on the executor made for it")
struct BlockingExecutorTests {
    /// Counters shared by jobs.
    final class Tally: Sendable {
        let value = Atomic<Int>(0)
        let flag = Atomic<Bool>(false)
    }

    @Test("a job runs on one of the executor's own threads, not on the task's")
    func jobsRunOnTheExecutorsThreads() async {
        let executor = BlockingExecutor(name: "test-blocking")
        let name = await executor.run { BlockingExecutor.currentThreadName() }
        #expect(name == "test-blocking")
        #expect(BlockingExecutor.currentThreadName() != "test-blocking")
    }

    @Test("jobs that block until all of them run never wait for a free thread (more jobs than cores)")
    func blockedJobsDoNotStarveEachOther() async {
        let executor = BlockingExecutor(name: "test-barrier")
        let count = 16
        let arrived = Tally()
        let allArrived = DispatchSemaphore(value: 0)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask {
                    await executor.run {
                        if arrived.value.add(1, ordering: .acquiringAndReleasing).newValue == count {
                            for _ in 0..<count { allArrived.signal() }
                        }
                        // A deadline, so that a bug fails the test instead of hanging it.
                        return allArrived.wait(timeout: .now() + 20) == .success
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: count))
        #expect(executor.threadCounts.peak >= count)
    }

    @Test("the next job goes to the thread idle the shortest, so threads beyond the load stay idle and end")
    func mostRecentlyIdleThreadTakesTheNextJob() async throws {
        // The default idle timeout (10 s): no thread ends during the test.
        let executor = BlockingExecutor(name: "test-lifo")
        let releaseEarly = DispatchSemaphore(value: 0)
        let releaseLate = DispatchSemaphore(value: 0)
        // Two jobs that block at once run on two threads; `early`'s thread becomes idle first, then `late`'s. A thread
        // is told by `pthread_self()` (Foundation's `Thread.current` object may be a fresh one at a reused address).
        let started = Tally()
        async let early = executor.run { () -> pthread_t in
            started.value.add(1, ordering: .acquiringAndReleasing)
            _ = releaseEarly.wait(timeout: .now() + 20)
            return pthread_self()
        }
        async let late = executor.run { () -> pthread_t in
            started.value.add(1, ordering: .acquiringAndReleasing)
            _ = releaseLate.wait(timeout: .now() + 20)
            return pthread_self()
        }
        // Both jobs under way (two threads counted is not enough: a thread slow to start would leave `late` queued
        // for `early`'s thread to take once released).
        try await Self.waitUntil { started.value.load(ordering: .acquiring) == 2 }
        releaseEarly.signal()
        let earlyThread = await early
        try await Self.waitUntil { executor.idleThreadCount == 1 }
        releaseLate.signal()
        let lateThread = await late
        #expect(earlyThread != lateThread)
        for _ in 0..<5 {
            // A job's caller resumes before its thread is idle again: wait for both threads to be idle.
            try await Self.waitUntil { executor.idleThreadCount == 2 }
            #expect(await executor.run { pthread_self() } == lateThread)
        }
    }

    /// Polls `condition` every 5 ms until it holds; throws after 20 s (so that a bug fails the test, not hangs it).
    private static func waitUntil(_ condition: () -> Bool) async throws {
        struct TimedOut: Error {}
        for _ in 0..<4000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TimedOut()
    }

    @Test("an idle thread ends after the idle timeout, and a new one starts for later work")
    func idleThreadsEnd() async throws {
        let executor = BlockingExecutor(name: "test-idle", idleTimeout: .milliseconds(50))
        await executor.run {}
        for _ in 0..<1000 where executor.threadCounts.running > 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(executor.threadCounts.running == 0)
        #expect(await executor.run { 42 } == 42, "a new thread starts for work after the last one ended")
    }

    @Test("a job submitted while the idle threads are timing out still runs (no wake-up is lost)")
    func noLostWakeUps() async throws {
        // Threads time out every millisecond, so submissions keep landing between a thread's timeout and its end,
        // and between a submission's unlock and its signal.
        let executor = BlockingExecutor(name: "test-race", idleTimeout: .milliseconds(1))
        let ran = Tally()
        for round in 0..<300 {
            let done = DispatchSemaphore(value: 0)
            executor.submit {
                ran.value.add(1, ordering: .relaxed)
                done.signal()
            }
            // A deadline, so that a lost job fails the test instead of hanging it.
            let finished = await BlockingExecutor.shared.run { done.wait(timeout: .now() + 20) == .success }
            #expect(finished, "job \(round) never ran")
            if !finished { return }
            if round % 3 == 0 { try await Task.sleep(for: .microseconds(round % 7 * 300)) }
        }
        #expect(ran.value.load(ordering: .relaxed) == 300)
    }

    @Test("run passes a job's typed error back to the caller")
    func typedErrors() async {
        struct Refused: Error, Equatable {}
        await #expect(throws: Refused.self) {
            try await BlockingExecutor.shared.run { () throws(Refused) -> Int in throw Refused() }
        }
    }

    @Test("a serial queue runs its jobs one at a time, in the order submitted")
    func serialQueueKeepsOrder() async {
        let queue = SerialBlockingQueue(executor: BlockingExecutor(name: "test-serial"))
        let running = Tally()
        let order = Mutex<[Int]>([])
        let done = DispatchSemaphore(value: 0)
        for index in 0..<200 {
            queue.submit {
                if running.value.add(1, ordering: .acquiringAndReleasing).newValue > 1 {
                    running.flag.store(true, ordering: .releasing)
                }
                order.withLock { $0.append(index) }
                running.value.subtract(1, ordering: .acquiringAndReleasing)
                if index == 199 { done.signal() }
            }
        }
        let finished = await BlockingExecutor.shared.run { done.wait(timeout: .now() + 20) == .success }
        #expect(finished)
        #expect(order.withLock { $0 } == Array(0..<200))
        let didOverlap = running.flag.load(ordering: .acquiring)
        #expect(!didOverlap)
    }
}
