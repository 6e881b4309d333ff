#if canImport(Glibc)
import Glibc
#endif
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
    // Safety: `jobs`, `idle`, `threads` and `peak` are read and written only with `mutex` held.

    /// The process's executor.
    package static let shared = BlockingExecutor(name: "duvo-blocking")

    /// The threads' name (up to 15 bytes show in `ps`, `top` and `/proc`).
    package let name: String
    /// How long a thread waits for work before it ends.
    package let idleTimeout: Duration

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wakeup: UnsafeMutablePointer<pthread_cond_t>
    private var jobs: [@Sendable () -> Void] = []
    private var idle = 0
    private var threads = 0
    private var peak = 0

    /// An executor whose threads are called `name` and end after `idleTimeout` without work.
    package init(name: String, idleTimeout: Duration = .seconds(10)) {
        self.name = name
        self.idleTimeout = idleTimeout
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        wakeup = .allocate(capacity: 1)
        wakeup.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Idle timeouts on the monotonic clock, so a change of the wall clock does not end or keep threads.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(wakeup, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        // Every thread holds the executor until it ends, so none is left here.
        pthread_cond_destroy(wakeup)
        wakeup.deinitialize(count: 1)
        wakeup.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// The threads running now, and the most that ever ran at once (for tests and diagnostics).
    package var threadCounts: (running: Int, peak: Int) {
        locked { (threads, peak) }
    }

    /// Runs `job` on one of the executor's threads, soon; returns at once.
    package func submit(_ job: @escaping @Sendable () -> Void) {
        let mustGrow = locked { () -> Bool in
            jobs.append(job)
            // Each idle thread takes one queued job; more jobs than idle threads need a new thread.
            guard jobs.count > idle else { return false }
            threads += 1
            peak = max(peak, threads)
            return true
        }
        // Signalled after the unlock: a thread woken while the mutex is still held wakes only to sleep again on
        // the mutex, one more context switch for every job. A thread that stops waiting between the unlock and the
        // signal finds the job anyway: it looks at `jobs` before it waits again or ends.
        if mustGrow { start() } else { pthread_cond_signal(wakeup) }
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
        pthread_mutex_lock(mutex)
        while true {
            if !jobs.isEmpty {
                let job = jobs.removeFirst()
                pthread_mutex_unlock(mutex)
                job()
                pthread_mutex_lock(mutex)
                continue
            }
            idle += 1
            var deadline = Self.monotonicTime(after: idleTimeout)
            let waited = pthread_cond_timedwait(wakeup, mutex, &deadline)
            idle -= 1
            if waited == ETIMEDOUT && jobs.isEmpty { break }
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

    /// The monotonic clock's reading `duration` from now.
    private static func monotonicTime(after duration: Duration) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Int(now.tv_nsec) + Int(attoseconds / 1_000_000_000)
        return timespec(
            tv_sec: now.tv_sec + Int(clamping: seconds) + nanoseconds / 1_000_000_000,
            tv_nsec: nanoseconds % 1_000_000_000)
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
