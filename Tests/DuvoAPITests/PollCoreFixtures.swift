import DuvoAPI
import KeyCoordination
import DuvoHTTP
import JSONCore
import RunWatching

/// A ``PollCore`` fed events by hand, at times the test chooses: no clock, no sleeps, no I/O.
struct CoreScript {
    var core: PollCore

    /// A core with the default intervals; `canListRuns` turns team-wide sweeps on from `sweepThreshold` runs.
    /// The sequence of the next publication ``publish(_:highWater:at:skipping:)`` hands the core.
    var nextSequence = 1

    /// A core with the default intervals; `canListRuns` turns team-wide sweeps on from `sweepThreshold` runs.
    /// `sharedSweeps`: sweeps are shared with other processes (coordination on).
    init(canListRuns: Bool = false, sweepThreshold: Int = 3, pageSize: Int = 100, rateLimit: Int = 300,
         sharedSweeps: Bool = false, webhooks: Bool = false, maxSweepPages: Int = PollTuning().maxSweepPages) {
        var tuning = PollTuning()
        tuning.sweepThreshold = sweepThreshold
        tuning.maxSweepPages = maxSweepPages
        core = PollCore(tuning: tuning, canListRuns: canListRuns, pageSize: pageSize, rateLimit: rateLimit,
                        sharedSweeps: sharedSweeps, webhooks: webhooks)
    }

    /// A core sharing sweeps whose lease another process holds, waiting on run A (known to be running) with sweeps
    /// from one run on; nothing was published yet. Its next round is due at 0.5 s.
    static func withoutLease() -> CoreScript {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1, sharedSweeps: true)
        _ = script.subscribe(1, to: Fixture.runA, at: 0, messages: false,
                             knownRun: Fixture.run(Fixture.runA, "running"))
        _ = script.step(.leaseAnswered(leads: false), at: 0)
        _ = script.step(.publicationsRead(nil, wallNow: Fixture.wall(0)), at: 0)
        return script
    }

    mutating func step(_ event: PollEvent, at now: Double) -> [PollEffect] {
        core.step(event, now: now)
    }

    /// Hands the core, as read at `now`, a publication of another process's sweep listing `runs` (made at `now`),
    /// numbered after the previous one, or `skipping` numbers (publications missed).
    mutating func publish(_ runs: [Run], highWater: Double?, at now: Double, skipping: Int = 0) -> [PollEffect] {
        let sequence = nextSequence + skipping
        nextSequence = sequence + 1
        return step(.publicationsRead(Fixture.snapshot(sequence: sequence, runs: runs, highWater: highWater,
                                                       takenAt: Fixture.wall(now)),
                                      wallNow: Fixture.wall(now)), at: now)
    }

    /// Wins the lease in the round due at `now`: asks for it, wins it, reads that nothing was published.
    /// - Returns: whether the round asked for the lease (else nothing happened).
    mutating func gainLease(at now: Double, published: SweepSnapshot? = nil) -> Bool {
        guard step(.tick, at: now).shared.contains(.acquireOrRenewLease(lifetime: 5)) else { return false }
        _ = step(.leaseAnswered(leads: true), at: now)
        _ = step(.publicationsRead(published, wallNow: Fixture.wall(now)), at: now)
        return true
    }

    /// A core sweeping from one run: `runID` followed (with its messages) from 0, its first sweep answered at 0.5 s
    /// listing it with `status`.
    static func swept(_ runID: String, _ status: RunStatus) -> CoreScript {
        var script = CoreScript(canListRuns: true, sweepThreshold: 1)
        _ = script.subscribe(1, to: runID, at: 0)
        _ = script.step(.tick, at: 0)
        _ = script.step(.answered(.listPage(ticket: 1, offset: 0), Fixture.listing([Fixture.run(runID, status)])),
                        at: 0.5)
        return script
    }

    /// Ticks every 0.25 s from `now` (which moves on) until the core sends a request `matching`, for 60 s at most.
    mutating func tick(until matching: (PollRequest) -> Bool, from now: inout Double) -> PollRequest? {
        let end = now + 60
        while now < end {
            let sent = step(.tick, at: now).sent.first(where: matching)
            now += 0.25
            if let sent { return sent }
        }
        return nil
    }

    /// Subscribes `id` to `runID` at `now`, wanting messages from 0 unless told otherwise.
    mutating func subscribe(_ id: UInt64, to runID: String, at now: Double, messages: Bool = true,
                            knownRun: Run? = nil) -> [PollEffect] {
        step(.subscribed(id: id, runID: runID, fromOffset: 0, messages: messages, knownRun: knownRun), at: now)
    }
}

/// Runs and answers as Duvo gives them.
enum Fixture {
    static let runA = "11111111-1111-4111-8111-111111111111"
    static let runB = "22222222-2222-4222-8222-222222222222"
    static let runC = "33333333-3333-4333-8333-333333333333"

    /// 2026-05-18T09:30:00Z, the `updated_at` of the fixtures' runs, in seconds since the epoch.
    static let updatedAt = 1_779_096_600.0

    static func run(_ id: String, _ status: RunStatus, updatedAt: String = "2026-05-18T09:30:00Z") -> Run {
        Run(id: id, status: status, updatedAt: updatedAt)
    }

    /// `GET /runs/{id}`'s answer.
    static func read(_ id: String, _ status: RunStatus, updatedAt: String = "2026-05-18T09:30:00Z",
                     pending: HumanRequest? = nil) -> PollAnswer {
        .run(RunRead(run: run(id, status, updatedAt: updatedAt), pendingHumanRequest: pending))
    }

    /// The wall clock (seconds since 1970) at `now` on the core's monotonic clock.
    static func wall(_ now: Double) -> Double { updatedAt + 60 + now }

    /// A publication of one sweep listing `runs`, numbered `sequence`.
    static func snapshot(sequence: Int, runs: [Run], highWater: Double?, takenAt: Double,
                         earlier: [JSONValue] = []) -> SweepSnapshot {
        SweepSnapshot(sequence: sequence, takenAt: takenAt, leader: "other",
                      payload: ["high_water": highWater.map(JSONValue.double) ?? .null,
                                "sweeps": .array(earlier + [["sequence": .int(sequence), "runs": .array(runs.map(\.json))]])])
    }

    static func message(_ index: Int) -> Message {
        Message(id: "msg_\(index)", type: "text", textContent: "message \(index)")
    }

    /// A page of messages `indices` of `total`, answered at `serverDate` (seconds since the epoch).
    static func messages(_ indices: Range<Int>, total: Int, serverDate: Double? = nil) -> PollAnswer {
        .messages(DatedMessagePage(page: MessagePage(messages: indices.map(message), total: total),
                                   serverDate: serverDate))
    }

    /// A page of a team listing holding `runs` of `total`.
    static func listing(_ runs: [Run], total: Int? = nil) -> PollAnswer {
        .page(RunPage(runs: runs, total: total ?? runs.count))
    }

    static func upstream(_ status: Int) -> UpstreamError {
        UpstreamError(operation: "get run", method: "GET", path: "/v2/runs/x", httpStatus: status)
    }

    static let rateLimited = DuvoAPIError.rateLimited(upstream(429))
    static let unavailable = DuvoAPIError.unavailable(upstream(503))
    static let dropped = DuvoAPIError.network(failedCall(.connectionLost("connection reset")))
    static let timedOut = DuvoAPIError.timeout(failedCall(.timedOut))

    static func failedCall(_ cause: TransportError) -> FailedCall {
        FailedCall(operation: "get run", method: "GET", path: "/v2/runs/x", cause: cause, attempts: 4,
                   elapsedSeconds: 30, deadlineSeconds: 30)
    }
    static let notFound = DuvoAPIError.notFound(upstream(404))
    static let unauthorized = DuvoAPIError.unauthorized(upstream(401))
    static let forbidden = DuvoAPIError.forbidden(upstream(403))
}

extension [PollEffect] {
    /// The requests among the effects.
    var sent: [PollRequest] {
        compactMap { if case .send(let request) = $0 { request } else { nil } }
    }

    /// What the core asked of the processes it shares sweeps with.
    var shared: [SharingRequest] {
        compactMap { if case .share(let request) = $0 { request } else { nil } }
    }

    /// The events handed to subscriptions, in order.
    var emitted: [(UInt64, RunEvent)] {
        compactMap { if case .emit(let id, let event) = $0 { (id, event) } else { nil } }
    }

    /// The events handed to `subscription`, in order.
    func events(for subscription: UInt64) -> [RunEvent] {
        emitted.filter { $0.0 == subscription }.map(\.1)
    }
}

extension PollRequest {
    /// A page of a sweep.
    var isListing: Bool { if case .listPage = self { true } else { false } }
    /// A read of a run.
    var isRunRead: Bool { if case .readRun = self { true } else { false } }
}
