import DuvoAPI
import JSONCore

/// Team-wide sweeps shared with the other processes on the key and team: who leads (kept here and nowhere else) and
/// where this process is in its round of the lease and the publications. Part of ``PollCore``: the driver only carries
/// out its ``SharingRequest``s and feeds their outcomes back as events.
///
/// Each round, while enough runs are watched for sweeps, the process asks for the lease (or renews it): the holder
/// sweeps and publishes each sweep; the others read the latest publication and take its listings in. A process
/// that wins the lease first reads the latest publication, so that its own sweeps and publications continue from it.
/// With too few runs for sweeps it hands the lease on, still takes in a fresh publication (its runs are watched for
/// free), and asks whether other processes spend the key (then one sweep for all costs less than everyone's polls).
struct SweepSharing {
    /// This process's part in the team's sweeps.
    enum Role: Equatable {
        /// Not seeking the lease: too few runs for sweeps, or nothing watched.
        case standingBy
        /// Seeking the lease, which another process holds (or which was not granted yet): takes in its publications.
        case following
        /// Won the lease (until `expires`, monotonic seconds): reads the latest publication before its first sweep.
        case takingOver(expires: Double)
        /// Holds the lease until `expires` unless renewed: sweeps and publishes.
        case leading(expires: Double)

        /// The end of the lease's term, when this process holds it.
        var leaseExpiry: Double? {
            switch self {
            case .takingOver(let expires), .leading(let expires): expires
            case .standingBy, .following: nil
            }
        }
    }

    /// The step of the round under way.
    enum Round: Equatable {
        /// Waiting for the next round, due at this time.
        case due(at: Double)
        /// The lease was asked for (or its renewal) at this time; its term runs from then.
        case askingLease(since: Double)
        /// The latest publication is being read.
        case readingPublications
        /// The budget is being asked whether other processes spend the key.
        case askingOthers
    }

    /// How long a lease lasts unless renewed: a leader that dies is replaced within this (at once, for the runtime
    /// directory's lease, whose holder's pid is checked).
    static let leaseLifetime = 5.0
    /// Publications kept in a snapshot: a reader that fell a little behind catches up from them.
    static let windowSize = 8

    var role = Role.standingBy
    var round = Round.due(at: 0)
    /// The sequence of the latest publication read or made.
    var lastSequence: Int?
    /// The sequences a publication may have (JSON's exact integers): one numbered outside them is not taken in.
    static let sequences = 0...Int.largestCount
    /// The latest publications (`{sequence, runs}`), oldest first.
    var window: [JSONValue] = []

    /// Whether this process sweeps (holds the lease and read what its predecessor published).
    var leads: Bool {
        if case .leading = role { return true }
        return false
    }
}

/// What the core asks its driver to do with the processes it shares sweeps with; the outcome comes back as a
/// ``PollEvent`` (``PollEvent/leaseAnswered(leads:)``, ``PollEvent/publicationsRead(_:wallNow:)``,
/// ``PollEvent/othersOnKey(_:)`` or ``PollEvent/sharingFailed(_:)``), except for releases and publications, whose
/// failures only the log hears of.
package enum SharingRequest: Sendable, Hashable {
    /// Take the sweep lease when it is free, or renew it when this process holds it, for `lifetime` seconds.
    case acquireOrRenewLease(lifetime: Double)
    /// Give the lease up, if this process holds it.
    case releaseLease
    /// Read the latest publication.
    case readPublications
    /// Publish one sweep (publications must land in the order they were asked for).
    case publish(sequence: Int, payload: JSONValue)
    /// Ask the rate budget whether other processes sent with this key lately.
    case askWhetherOthersUseKey
}
