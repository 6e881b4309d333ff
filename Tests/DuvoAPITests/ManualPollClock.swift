import DuvoAPI
import JSONCore
import KeyCoordination
import RunWatching
import Synchronization
import Time

/// A clock that moves only when the test says: sleepers wake when ``advanceToNextWake()`` reaches their deadline.
/// ``sleeps`` yields each time someone starts sleeping, so a test can move time exactly when the code waits on it.
final class ManualPollClock: TimeSource {
    private struct Sleeper {
        let deadline: Double
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let state = Mutex<(now: Double, sleepers: [Int: Sleeper], next: Int)>((0, [:], 0))
    let sleeps: AsyncStream<Void>
    private let sleepStarted: AsyncStream<Void>.Continuation

    init() {
        (sleeps, sleepStarted) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .unbounded)
    }

    func now() -> Double { state.withLock { $0.now } }

    /// The wall clock moves with the monotonic one, from 2026-05-18T09:31:00Z.
    func wallNow() -> Double { Fixture.wall(now()) }

    func sleep(seconds: Double) async throws {
        let id = state.withLock { state in
            state.next += 1
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = Task.isCancelled
                state.withLock { state in
                    if !cancelled {
                        state.sleepers[id] = Sleeper(deadline: state.now + seconds, continuation: continuation)
                    }
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                sleepStarted.yield()
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time on each time someone waits on the clock, to when the first sleeper wakes, until cancelled.
    func keepTime() -> Task<Void, Never> {
        Task {
            for await _ in sleeps { advanceToNextWake() }
        }
    }

    /// Moves time to the earliest sleeper's deadline and wakes every sleeper due by then.
    func advanceToNextWake() {
        let due = state.withLock { state -> [Sleeper] in
            guard let next = state.sleepers.values.map(\.deadline).min() else { return [] }
            state.now = max(state.now, next)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return Array(due.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}

/// A Duvo stand-in for the scheduler: answers each request from a script, or holds it until cancelled.
final class ScriptedPollTransport: PollTransport {
    enum Reply: Sendable {
        case answer(PollAnswer)
        case fail(DuvoAPIError)
        /// Never answers: the request is under way until cancelled.
        case hang
    }

    let canListRuns: Bool
    let maxMessagePageSize = 100
    let rateLimitPerMinute = 300
    private let replies: Mutex<[Reply]>
    /// Each request as it arrives ("get <id>", "messages <id> <offset>").
    let requests: AsyncStream<String>
    private let arrived: AsyncStream<String>.Continuation
    /// Each hanging request as its caller cancels it.
    let cancellations: AsyncStream<String>
    private let cancelled: AsyncStream<String>.Continuation

    /// With `canListRuns`, three runs watched are swept (``PollTuning/sweepThreshold``). With a `responder`, each
    /// request is answered by what it asks, in whatever order requests come, instead of from `replies` in turn.
    init(_ replies: [Reply] = [], canListRuns: Bool = false,
         responder: (@Sendable (String) -> Reply)? = nil) {
        self.canListRuns = canListRuns
        self.replies = Mutex(replies)
        self.responder = responder
        (requests, arrived) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
        (cancellations, cancelled) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
    }

    private let responder: (@Sendable (String) -> Reply)?

    /// How many requests arrived so far.
    var sentCount: Int { sent.withLock { $0 } }
    private let sent = Mutex(0)

    private func reply(to request: String) async throws(DuvoAPIError) -> PollAnswer {
        sent.withLock { $0 += 1 }
        arrived.yield(request)
        let reply = responder?(request) ?? replies.withLock { $0.isEmpty ? Reply.hang : $0.removeFirst() }
        switch reply {
        case .answer(let answer):
            return answer
        case .fail(let error):
            throw error
        case .hang:
            let (never, keep) = AsyncStream.makeStream(of: Void.self)
            for await _ in never {}
            keep.finish()
            cancelled.yield(request)
            throw .cancelled
        }
    }

    func getRun(_ runID: String, priority: RateBudget.Priority) async throws(DuvoAPIError) -> RunRead {
        guard case .run(let body) = try await reply(to: "get \(runID)") else { throw .cancelled }
        return body
    }

    func datedMessages(_ runID: String, limit: Int?, offset: Int?, priority: RateBudget.Priority)
        async throws(DuvoAPIError) -> DatedMessagePage
    {
        guard case .messages(let answer) = try await reply(to: "messages \(runID) \(offset ?? 0)") else {
            throw .cancelled
        }
        return answer
    }

    func listRuns(_ filter: RunListFilter, teamID: String?, priority: RateBudget.Priority)
        async throws(DuvoAPIError) -> RunPage
    {
        guard case .page(let body) = try await reply(to: "list \(filter.offset ?? 0)") else { throw .cancelled }
        return body
    }

    /// This stand-in is the key's only user.
    func othersUseKey() async -> Bool { false }
}
