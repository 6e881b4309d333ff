import DuvoAPI
import JSONCore
import KeyCoordination

/// The core's record of one run and everyone following or waiting on it.
struct WatchedRun {
    /// How the run is watched for changes.
    enum Phase: Equatable {
        /// Its own polls, every ``WatchedRun/nextDue``: each reads the run, then its new messages.
        case polled
        /// Team-wide sweeps watch it; `news` says its messages may need fetching (and since when).
        case swept(news: News?)
        /// Sweeps reported its terminal `status`; the follow ends after one more fetch delivers its last messages.
        case ending(status: RunStatus, news: News?)
    }

    /// A request of this run under way.
    enum InFlight {
        /// A read of the run (then, when `readsMessages`, its messages); `read` is the run once it came back.
        case poll(ticket: UInt64, priority: RateBudget.Priority, readsMessages: Bool, highWaterAtStart: Double?,
                  read: RunRead?, serverDate: Double?)
        /// A fetch of messages the sweeps said were new; `terminal` is the status reported before it started.
        case fetch(ticket: UInt64, news: News, terminal: RunStatus?, highWaterAtStart: Double?, serverDate: Double?,
                   pages: Int)

        var ticket: UInt64 {
            switch self {
            case .poll(let ticket, _, _, _, _, _), .fetch(let ticket, _, _, _, _, _): ticket
            }
        }
    }

    /// Messages that may be waiting to be fetched (under sweeps): since when, and which listing said so.
    struct News: Equatable {
        /// When the scheduler learned of them; the oldest news is fetched first.
        var since: Double
        /// The run's `updated_at` as the listing that reported the news gave it.
        var updatedAt: String?
        /// A fetch must not start before this time: a confirmation waits for the second it checks to be over.
        var notBefore: Double = 0
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

    /// Since when the run's follows cannot make progress, and whether failing sweeps (not its own requests) are why.
    struct Stall {
        var since: Double
        var bySweeps: Bool
    }

    let runID: String
    let firstWatched: Double
    var subscribers: [UInt64: Subscriber] = [:]
    var phase = Phase.polled
    var inFlight: InFlight?
    /// The status last learned, from a poll or a sweep.
    var lastStatus: RunStatus?
    /// The `updated_at` last learned; a sweep listing a different one means the run changed.
    var lastUpdatedAt: String?
    /// When the run's own read is due (its polls, a first look, a status that needs the run read).
    var nextDue: Double
    /// Whether the next read must be of the run itself, ahead of message fetches: a first look, or a wait for a
    /// person (its request is only in the run's own answer).
    var statusPending = true
    var consecutiveFailures = 0
    var stall: Stall?
    /// For a run newly watched under sweeps: the number of the sweep (this process's or one taken in) that must have
    /// been completed without listing it before it gets a read of its own (see ``PollCore/awaitsListing(_:now:)``).
    var firstListingBy: Int?
    /// The run as its caller just read it (`{run, pending_human_request}`), when it is not waiting for a person: the
    /// first poll goes on from it to the messages instead of reading the run again.
    var knownRead: RunRead?

    init(runID: String, now: Double) {
        self.runID = runID
        firstWatched = now
        nextDue = now
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

    /// Whether a read of the run itself is due at `now`.
    func pollIsDue(at now: Double) -> Bool {
        inFlight == nil && nextDue <= now && (statusPending || !isSwept)
    }

    /// Whether a message-only fetch is due at `now` (under sweeps).
    func messageFetchIsDue(at now: Double) -> Bool {
        guard inFlight == nil, let news else { return false }
        return news.notBefore <= now
    }
}
