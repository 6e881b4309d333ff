#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// The one place made for blocking work: `flock` waits, blocking socket exchanges, `waitpid`, a prompt's `read`,
/// a write to a slow client.
///
/// Swift's cooperative pool has as many threads as cores (two on a small machine), so a task that blocks one holds
/// up every other task of the process. Work handed here runs on threads of the executor's own, never on the pool.
/// A job never waits for a free thread: when no thread is idle, a new one starts (jobs may wait for one another, as a
/// given-up lock wait does), and a thread idle for ``idleTimeout`` ends. Each caller's blocking call carries its own
/// deadline; the executor adds none.
package final class BlockingExecutor: @unchecked Sendable {
    // Safety: `jobs`, `idle`, `threads`, `peak` and each idle thread's `job` are read and written only with `mutex`
    // held.

    /// The process's executor.
    package static let shared = BlockingExecutor(name: "duvo-blocking")

    /// The threads' name (up to 15 bytes show in `ps`, `top` and `/proc`).
    package let name: String
    /// How long a thread waits for work before it ends.
    package let idleTimeout: Duration

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Jobs for threads being started.
    private var jobs: [@Sendable () -> Void] = []
    /// Threads waiting for a job, the most recently idle last (it is handed the next job, so that threads beyond
    /// what the load needs stay idle and end).
    private var idle: [Handoff] = []
    private var threads = 0
    private var peak = 0

    /// Where an idle thread waits, as a submitter finds it: the job handed to the thread, and what it waits on.
    ///
    /// One semaphore per thread rather than one condition variable for all: the job is handed to one thread, which
    /// wakes with it and does not take the executor's mutex to find it.
    private final class Handoff {
        let wakeup = DispatchSemaphore(value: 0)
        var job: (@Sendable () -> Void)?
    }

    /// An executor whose threads are called `name` and end after `idleTimeout` without work.
    package init(name: String, idleTimeout: Duration = .seconds(10)) {
        self.name = name
        self.idleTimeout = idleTimeout
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        // Every thread holds the executor until it ends, so none is left here.
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// The threads running now, and the most that ever ran at once (for tests and diagnostics).
    package var threadCounts: (running: Int, peak: Int) {
        locked { (threads, peak) }
    }

    /// The threads waiting for a job now (for tests and diagnostics).
    package var idleThreadCount: Int {
        locked { idle.count }
    }

    /// Runs `job` on one of the executor's threads, soon; returns at once.
    package func submit(_ job: @escaping @Sendable () -> Void) {
        let handoff = locked { () -> Handoff? in
            if let waiting = idle.popLast() {
                waiting.job = job
                return waiting
            }
            jobs.append(job)
            threads += 1
            peak = max(peak, threads)
            return nil
        }
        // Signalled after the unlock, so the woken thread does not wake only to wait for the mutex.
        if let handoff { handoff.wakeup.signal() } else { start() }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    private func start() {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 512 << 10)
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            let executor = Unmanaged<BlockingExecutor>.fromOpaque(context).takeRetainedValue()
            executor.work()
            return nil
        }, context)
        guard started != 0 else { return }
        // No thread (the process is out of them): run the job here rather than lose it; the caller is already
        // off the pool or accepts the wait, and the next submission tries again.
        Unmanaged<BlockingExecutor>.fromOpaque(context).release()
        let job = locked { () -> (@Sendable () -> Void)? in
            threads -= 1
            return jobs.isEmpty ? nil : jobs.removeFirst()
        }
        job?()
    }

    /// A thread's life: take jobs until none comes for ``idleTimeout``.
    private func work() {
        Self.setName(ofCurrentThreadTo: name)
        let me = Handoff()
        pthread_mutex_lock(mutex)
        while true {
            if !jobs.isEmpty {
                let job = jobs.removeFirst()
                pthread_mutex_unlock(mutex)
                job()
                pthread_mutex_lock(mutex)
                continue
            }
            idle.append(me)
            pthread_mutex_unlock(mutex)
            let timedOut = me.wakeup.wait(timeout: Self.dispatchTime(after: idleTimeout)) == .timedOut
            pthread_mutex_lock(mutex)
            guard let job = me.job else {
                // Only the timeout wakes a thread without a job: it ends.
                idle.removeAll { $0 === me }
                break
            }
            me.job = nil
            pthread_mutex_unlock(mutex)
            // Handed a job as it timed out: the submitter's signal is on its way; take it, so that the next wait
            // waits.
            if timedOut { me.wakeup.wait() }
            job()
            pthread_mutex_lock(mutex)
        }
        threads -= 1
        pthread_mutex_unlock(mutex)
    }

    private typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32

    /// Names the calling thread (glibc's `pthread_setname_np`, which the Glibc module does not export); the kernel
    /// keeps 15 bytes.
    private static func setName(ofCurrentThreadTo name: String) {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return }
        let bytes = Array(name.utf8.prefix(15)).map { CChar(bitPattern: $0) } + [0]
        _ = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { unsafeBitCast(symbol, to: SetName.self)(pthread_self(), $0) }
        }
    }

    private typealias GetName = @convention(c) (pthread_t, UnsafeMutablePointer<CChar>, Int) -> Int32

    /// The name of the calling thread, as `ps` and `/proc` show it ("" when unknown).
    package static func currentThreadName() -> String {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getname_np") else { return "" }
        var bytes = [CChar](repeating: 0, count: 16)
        let result = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { unsafeBitCast(symbol, to: GetName.self)(pthread_self(), $0, 16) } ?? -1
        }
        guard result == 0 else { return "" }
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The moment `duration` from now on Dispatch's clock, which is monotonic (a change of the wall clock does not
    /// end or keep threads).
    private static func dispatchTime(after duration: Duration) -> DispatchTime {
        let (seconds, attoseconds) = duration.components
        let (whole, overflowed) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (nanoseconds, overflowedAgain) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !overflowed, !overflowedAgain else { return .distantFuture }
        return .now() + .nanoseconds(Int(nanoseconds))
    }
}

/// Jobs run one at a time, in the order submitted, on a ``BlockingExecutor``'s threads: for work on one resource
/// that must not overlap (a file under `flock`, a Redis connection, an output stream).
package final class SerialBlockingQueue: Sendable {
    private let executor: BlockingExecutor
    private let state = Mutex<(jobs: [@Sendable () -> Void], draining: Bool)>(([], false))

    /// A queue running its jobs on `executor`.
    package init(executor: BlockingExecutor = .shared) {
        self.executor = executor
    }

    /// Runs `job` after every job submitted before it; returns at once.
    package func submit(_ job: @escaping @Sendable () -> Void) {
        let startDraining = state.withLock { state -> Bool in
            state.jobs.append(job)
            defer { state.draining = true }
            return !state.draining
        }
        if startDraining { executor.submit { self.drain() } }
    }

    /// Runs the queued jobs on one executor thread until none is left.
    private func drain() {
        while let job = state.withLock({ state -> (@Sendable () -> Void)? in
            guard !state.jobs.isEmpty else {
                state.draining = false
                return nil
            }
            return state.jobs.removeFirst()
        }) {
            job()
        }
    }
}

/// What runs blocking jobs: a ``BlockingExecutor`` (at once, in any order) or a ``SerialBlockingQueue`` (in order).
package protocol BlockingJobs: Sendable {
    func submit(_ job: @escaping @Sendable () -> Void)
}

extension BlockingExecutor: BlockingJobs {}
extension SerialBlockingQueue: BlockingJobs {}

extension BlockingJobs {
    /// Runs `body` as a job and returns (or throws) what it did, suspending the calling task meanwhile.
    ///
    /// - Important: Cancelling the calling task does not interrupt `body`; a caller that must stop a blocking call
    ///   early ends it from outside (shuts its socket down, closes its descriptor).
    package func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: Result { () throws(E) in try body() }) }
        }
        return try result.get()
    }
}
