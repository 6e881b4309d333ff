import DuvoAPI
import JSONCore
import KeyCoordination

/// The core's record of one run and everyone following or waiting on it.
package struct WatchedRun {
    /// How the run is watched for changes.
    package enum Phase: Equatable {
        /// Its own polls, when its ``WatchedRun/OwnRead`` falls due: each reads the run, then its new messages.
        case polled
        /// Team-wide sweeps watch it; `news` says its messages may need fetching (and since when).
        case swept(news: News?)
        /// Sweeps reported its terminal `status`; the follow ends after one more fetch delivers its last messages.
        case ending(status: RunStatus, news: News?)
    }

    /// A request of this run under way.
    package enum InFlight: Equatable {
        /// A read of the run (then, when `readsMessages`, its messages); `read` is the run once it came back;
        /// `pages` of messages read so far.
        case poll(ticket: UInt64, priority: RateBudget.Priority, readsMessages: Bool, highWaterAtStart: Double?,
                  read: RunRead?, serverDate: Double?, pages: Int)
        /// A fetch of messages the sweeps said were new; `terminal` is the status reported before it started.
        case fetch(ticket: UInt64, news: News, terminal: RunStatus?, highWaterAtStart: Double?, serverDate: Double?,
                   pages: Int)

        package var ticket: UInt64 {
            switch self {
            case .poll(let ticket, _, _, _, _, _, _), .fetch(let ticket, _, _, _, _, _): ticket
            }
        }
    }

    /// Messages that may be waiting to be fetched (under sweeps): since when, and which listing said so.
    package struct News: Equatable {
        /// When the scheduler learned of them; the oldest news is fetched first.
        package var since: Double
        /// The run's `updated_at` as the listing that reported the news gave it.
        package var updatedAt: String?
        /// A fetch must not start before this time: a confirmation waits for the second it checks to be over.
        package var notBefore: Double

        package init(since: Double, updatedAt: String?, notBefore: Double = 0) {
            self.since = since
            self.updatedAt = updatedAt
            self.notBefore = notBefore
        }
    }

    /// One follower or waiter.
    struct Subscriber {
        /// The position of the next message this subscriber should receive.
        var nextIndex: Int
        /// Whether it wants messages at all (waits need only statuses).
        let wantsMessages: Bool
        /// The status last reported to it (nil before the first report).
        var lastStatus: RunStatus?
        /// The id of the human request last reported to it, so a new request while still waiting is reported too.
        var lastRequestID: String? = nil
        /// Whether it was told the follow is stalled (and so must hear when it recovers).
        var toldStalled = false
    }

    /// When the run's next read of its own falls due, and whether it must be of the run itself ahead of message
    /// fetches: a first look, or a wait for a person (its request is only in the run's own answer). Under sweeps a
    /// read is due only while its status is pending.
    package struct OwnRead: Equatable {
        package var due: Double
        package var statusPending: Bool

        package init(due: Double, statusPending: Bool) {
            self.due = due
            self.statusPending = statusPending
        }
    }

    /// Whether the run's requests get through.
    package enum Health: Equatable {
        /// Nothing failed since its last complete request.
        case healthy
        /// An answer came back after `failures` failures in a row; the count restarts once that request completes.
        case recovering(failures: Int)
        /// Its subscribers were told its follow cannot make progress.
        case stalled(Stall)

        /// Its own requests that failed in a row (each one doubles the pause before the next try).
        package var failures: Int {
            switch self {
            case .healthy: 0
            case .recovering(let failures): failures
            case .stalled(let stall): stall.failures
            }
        }
    }

    /// Since when the run's follows cannot make progress, whether failing sweeps (not its own requests) are why,
    /// and how many of its own requests failed in a row.
    package struct Stall: Equatable {
        package var since: Double
        package var bySweeps: Bool
        package var failures: Int

        package init(since: Double, bySweeps: Bool, failures: Int) {
            self.since = since
            self.bySweeps = bySweeps
            self.failures = failures
        }
    }

    /// A read a webhook hint asked for, while it is not yet due.
    package enum PendingHint: Equatable {
        /// None.
        case none
        /// A hint came while a request was under way: the read follows once that request ends.
        case afterRequest
        /// An event said the swept run ended: a listing (this process's sweep, or one another process published)
        /// shows the end for every process at the cost of one request; the run is read on its own at `until` if none
        /// has by then.
        case inListing(until: Double)
    }

    /// What the run's own request lane is doing: at most one request per run is under way.
    package enum Activity: Equatable {
        /// Newly watched under sweeps: the sweep numbered `sweep` (this process's or one taken in) must have been
        /// completed without listing it before it gets a read of its own, due at `due` (see
        /// ``PollCore/awaitsListing(_:now:)``). Its status is pending, and nothing of it failed yet.
        case awaitingListing(sweep: Int, due: Double)
        /// No request under way. `known` is the run as its caller just read it, when it is not waiting for a person:
        /// the first poll goes on from it to the messages instead of reading the run again.
        case idle(next: OwnRead, known: RunRead?, health: Health)
        /// `request` is under way; `next` is the read of its own that falls due after it.
        case requesting(InFlight, next: OwnRead, health: Health)
    }

    package let runID: String
    let firstWatched: Double
    var subscribers: [UInt64: Subscriber] = [:]
    package internal(set) var phase = Phase.polled
    package internal(set) var activity: Activity
    /// The status last learned, from a poll or a sweep.
    var lastStatus: RunStatus?
    /// The `updated_at` last learned; a sweep listing a different one means the run changed.
    var lastUpdatedAt: String?

    /// Whether a read or a listing saying `status` at `updatedAt` is older than what is known: an earlier
    /// `updated_at`, or one in the same second taking an end back. Timestamps have whole seconds, and a read sent
    /// before a listing may be answered after it; a run resumed in the very second it ended is seen at its next
    /// change, which moves `updated_at` on.
    func isOutdated(by status: RunStatus, updatedAt: String?) -> Bool {
        guard let date = updatedAt.flatMap(RunStatistics.parseDate),
              let known = lastUpdatedAt.flatMap(RunStatistics.parseDate) else { return false }
        return date < known || (date == known && lastStatus?.isTerminal == true && !status.isTerminal)
    }
    /// Whether it was started with this process's webhook, so Duvo announces its changes.
    var pushed = false
    /// Whether a webhook hint named it since its last read of its own completed.
    var hinted = false
    /// A read a hint asked for that is not due yet.
    var pendingHint = PendingHint.none
    /// When the last read a hint asked for was due (reads for hints are spaced by ``PollTuning/hintSpacing``).
    var lastHintRead = -Double.infinity
    /// The ticket of a read of the run's status under way beside its message fetch (see
    /// ``PollCore/startStatusReads(now:effects:)``), outside its request lane.
    var statusRead: UInt64?

    /// A run watched from `now`: its first read, of the run itself, is due at once.
    init(runID: String, now: Double) {
        self.runID = runID
        firstWatched = now
        activity = .idle(next: OwnRead(due: now, statusPending: true), known: nil, health: .healthy)
    }

    /// The request under way, if any.
    var inFlight: InFlight? {
        if case .requesting(let request, _, _) = activity { return request }
        return nil
    }

    /// The next read of its own. A run whose status stops being pending no longer awaits a listing.
    var next: OwnRead {
        get {
            switch activity {
            case .awaitingListing(_, let due): OwnRead(due: due, statusPending: true)
            case .idle(let next, _, _), .requesting(_, let next, _): next
            }
        }
        set {
            switch activity {
            case .awaitingListing(let sweep, _) where newValue.statusPending:
                activity = .awaitingListing(sweep: sweep, due: newValue.due)
            case .awaitingListing: activity = .idle(next: newValue, known: nil, health: .healthy)
            case .idle(_, let known, let health): activity = .idle(next: newValue, known: known, health: health)
            case .requesting(let request, _, let health):
                activity = .requesting(request, next: newValue, health: health)
            }
        }
    }

    /// How its requests fare. A run that awaits its first listing has made none; trouble ends the wait.
    package internal(set) var health: Health {
        get {
            switch activity {
            case .awaitingListing: .healthy
            case .idle(_, _, let health), .requesting(_, _, let health): health
            }
        }
        set {
            switch activity {
            case .awaitingListing(_, let due):
                if case .healthy = newValue { return }
                activity = .idle(next: OwnRead(due: due, statusPending: true), known: nil, health: newValue)
            case .idle(let next, let known, _): activity = .idle(next: next, known: known, health: newValue)
            case .requesting(let request, let next, _):
                activity = .requesting(request, next: next, health: newValue)
            }
        }
    }

    /// The stall its subscribers were told of, if any.
    var stall: Stall? {
        if case .stalled(let stall) = health { return stall }
        return nil
    }

    /// The sweep that must list it before it gets a read of its own, while it waits for one.
    var awaitedSweep: Int? {
        if case .awaitingListing(let sweep, _) = activity { return sweep }
        return nil
    }

    /// Starts `request` (no other is under way); returns the caller's read of the run, which it replaces.
    mutating func begin(_ request: InFlight) -> RunRead? {
        switch activity {
        case .awaitingListing(_, let due):
            activity = .requesting(request, next: OwnRead(due: due, statusPending: true), health: .healthy)
            return nil
        case .idle(let next, let known, let health):
            activity = .requesting(request, next: next, health: health)
            return known
        case .requesting(_, let next, let health):
            activity = .requesting(request, next: next, health: health)
            return nil
        }
    }

    /// Replaces what is known of the request under way (its ticket stays).
    mutating func advance(_ request: InFlight) {
        if case .requesting(let current, let next, let health) = activity, current.ticket == request.ticket {
            activity = .requesting(request, next: next, health: health)
        }
    }

    /// The request under way ended (answered or failed).
    mutating func settle() {
        if case .requesting(_, let next, let health) = activity {
            activity = .idle(next: next, known: nil, health: health)
        }
    }

    /// Keeps the caller's read of the run for its first poll (a run not yet reading anything).
    mutating func keep(known: RunRead) {
        if case .idle(let next, _, let health) = activity {
            activity = .idle(next: next, known: known, health: health)
        }
    }

    /// Waits for the sweep numbered `sweep` to list it before its own read, due at `due`.
    mutating func awaitListing(by sweep: Int, due: Double) {
        if case .idle(_, .none, .healthy) = activity { activity = .awaitingListing(sweep: sweep, due: due) }
    }

    /// A listing told of it: it no longer waits for one.
    mutating func listed() {
        if case .awaitingListing(_, let due) = activity {
            activity = .idle(next: OwnRead(due: due, statusPending: true), known: nil, health: .healthy)
        }
    }

    /// The read of its own due now, of the run itself ahead of message fetches.
    mutating func needsStatusRead(at now: Double) {
        next = OwnRead(due: now, statusPending: true)
    }

    /// Its follow cannot make progress from `now` (kept from an earlier stall); failing sweeps are why only while
    /// none of its own requests failed too.
    mutating func stalls(since now: Double, bySweeps: Bool) {
        var stall = stall ?? Stall(since: now, bySweeps: bySweeps, failures: health.failures)
        if !bySweeps { stall.bySweeps = false }
        health = .stalled(stall)
    }

    /// Its own request failed at `now`: one more failure in a row, and its follow stalls.
    /// - Returns: the failures in a row.
    mutating func ownRequestFailed(at now: Double) -> Int {
        let failures = health.failures + 1
        health = .stalled(Stall(since: stall?.since ?? now, bySweeps: false, failures: failures))
        return failures
    }

    /// Ends its stall (with `bySweeps`, only one that failing sweeps caused); its failures in a row count on until
    /// the request that got through completes.
    /// - Returns: the stall that ended, if one did.
    mutating func recovers(bySweeps: Bool) -> Stall? {
        guard let stall, !bySweeps || stall.bySweeps else { return nil }
        health = stall.failures > 0 ? .recovering(failures: stall.failures) : .healthy
        return stall
    }

    /// A request of its own completed: the next failure is the first in a row again.
    mutating func resetFailures() {
        switch health {
        case .healthy, .recovering: health = .healthy
        case .stalled(var stall):
            stall.failures = 0
            health = .stalled(stall)
        }
    }

    /// The lowest message position any subscriber still needs, if any wants messages.
    var lowestWantedIndex: Int? {
        subscribers.values.filter(\.wantsMessages).map(\.nextIndex).min()
    }

    /// Whether sweeps (not its own polls) watch the run for changes.
    var isSwept: Bool { phase != .polled }

    /// Messages that may be waiting, under sweeps.
    var news: News? {
        switch phase {
        case .polled: nil
        case .swept(let news), .ending(_, let news): news
        }
    }

    /// The terminal status sweeps reported, if any.
    var endingStatus: RunStatus? {
        if case .ending(let status, _) = phase { return status }
        return nil
    }

    /// Replaces the news (under sweeps; nothing happens to a polled run).
    mutating func setNews(_ news: News?) {
        switch phase {
        case .polled: break
        case .swept: phase = .swept(news: news)
        case .ending(let status, _): phase = .ending(status: status, news: news)
        }
    }

    /// Notes that new messages may be waiting (keeping the oldest news time when some already were).
    mutating func markStale(updatedAt: String?, now: Double, notBefore: Double = 0) {
        guard lowestWantedIndex != nil else { return }
        if var news {
            news.updatedAt = updatedAt
            news.notBefore = min(news.notBefore, notBefore)
            setNews(news)
        } else {
            setNews(News(since: now, updatedAt: updatedAt, notBefore: notBefore))
        }
    }

    /// Whether a read of its own is due at `now`.
    func pollIsDue(at now: Double) -> Bool {
        inFlight == nil && next.due <= now && (next.statusPending || !isSwept)
    }

    /// Whether a message-only fetch is due at `now` (under sweeps).
    func messageFetchIsDue(at now: Double) -> Bool {
        guard inFlight == nil, let news else { return false }
        return news.notBefore <= now
    }
}
