import JSONCore
import KeyCoordination

/// The scheduler's side of team-wide sweeps shared with other processes: the lease it holds or seeks, and what it
/// last published or read.
struct SharedSweeps {
    let coordinator: any SweepCoordinator
    /// This process's id in published snapshots.
    let participant: String
    /// Whether this process holds the lease (and so sweeps).
    var leads = false
    /// The sequence of the latest publication read or made.
    var lastSequence: Int?
    /// The latest publications (`{sequence, runs}`), oldest first: a reader that fell a little behind catches up.
    var window: [JSONValue] = []
    /// The loop that holds or seeks the lease and reads publications.
    var loop: Task<Void, Never>?
    /// The latest publication under way (each waits for the one before, so they land in order).
    var publishing: Task<Void, Never>?

    /// Publications kept in a snapshot.
    static let windowSize = 8
}
