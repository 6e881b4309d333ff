import DuvoAPI
import JSONCore

/// What can happen to the poll scheduler's core: the input of ``PollCore/step(_:now:)``.
package enum PollEvent: Sendable {
    /// A follow or wait of `runID` starts, wanting messages from position `fromOffset` (when `messages`).
    /// `knownRun` is the run as Duvo just returned it, if the caller has it.
    case subscribed(id: UInt64, runID: String, fromOffset: Int, messages: Bool, knownRun: Run?)
    /// A subscription ends early (its stream gets `ended(reason: unfollowed)`).
    case unsubscribed(id: UInt64)
    /// Time passed: start what is due.
    case tick
    /// Duvo answered a request.
    case answered(PollRequest, PollAnswer)
    /// A request failed (after the client's own retries).
    case failed(PollRequest, DuvoAPIError)
    /// Whether this process may run the team-wide sweeps itself. Alone it always may; with several processes on one
    /// key, only the holder of the sweep lease does, and the others take in listings it publishes.
    case leadership(Bool)
    /// Listings another process's sweeps made (oldest first), and the newest `updated_at` they had seen: taken in as
    /// this process's own sweep would be.
    case published(runs: [Run], highWater: Double?)
    /// Listings another process published were missed (read too late): one listing of this process's own down to
    /// the floor it had catches up (every followed run is read once on its own when it cannot list).
    case listingsMissed
    /// Other processes send with this process's key (its shared budget shows their requests of the last minute).
    /// With sweeps shared (``PollCore/stickySweeps``), sweeps start from the first watched run: one team-wide sweep
    /// for every process on the key costs less than each of them polling its own runs, and none of them sweeps
    /// until some process wants sweeps.
    case othersOnKey
    /// The process shuts down: every subscription ends with reason `shutdown`.
    case shutdown
}

/// What the core asks its driver to do: the output of ``PollCore/step(_:now:)``.
package enum PollEffect: Sendable, Hashable {
    /// Make a request and feed its answer back as ``PollEvent/answered(_:_:)`` or ``PollEvent/failed(_:_:)``.
    case send(PollRequest)
    /// Hand an event to a subscription (``RunEvent/ended(status:reason:error:)`` also finishes its stream).
    case emit(subscription: UInt64, RunEvent)
    /// A sweep finished (`completed`: its number) or sweeps stopped or failed (nil): answer who waits on listings.
    case sweepSettled(completed: Int?)
    /// This process's sweep listed `runs` and had seen changes up to `highWater`: share it with the other processes.
    case sweepListed(runs: [Run], highWater: Double?)
    /// A line for the log.
    case log(PollLogLevel, String)
}

/// How loud a ``PollEffect/log(_:_:)`` line is.
package enum PollLogLevel: Sendable, Hashable {
    /// Routine: a retry, a sweep cut short.
    case debug
    /// A follow ended on an error.
    case warning
}
