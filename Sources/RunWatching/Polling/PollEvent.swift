import DuvoAPI
import JSONCore
import KeyCoordination

/// What can happen to the poll scheduler's core: the input of ``PollCore/step(_:now:)``.
package enum PollEvent: Sendable {
    /// A follow or wait of `runID` starts, wanting messages from position `fromOffset` (when `messages`).
    /// `knownRun` is the run as Duvo just returned it, if the caller has it.
    case subscribed(id: UInt64, runID: String, fromOffset: Int, messages: Bool, knownRun: Run?)
    /// A subscription ends early (its stream gets `ended(reason: unfollowed)`).
    case unsubscribed(id: UInt64)
    /// A subscription's subscriber left too many of its events unread (`backlog`: it is paused), or has read most of
    /// them since (it goes on where it stopped). See ``PollCore/pause(_:effects:)``.
    case unread(id: UInt64, backlog: Bool)
    /// Time passed: start what is due.
    case tick
    /// Duvo answered a request.
    case answered(PollRequest, PollAnswer)
    /// A request failed (after the client's own retries).
    case failed(PollRequest, DuvoAPIError)
    /// The sweep lease was asked for (``SharingRequest/acquireOrRenewLease(lifetime:)``): whether this process
    /// holds it now. Alone (no coordination) a process always sweeps; with several on one key, only the holder of
    /// the lease does, and the others take in the listings it publishes.
    case leaseAnswered(leads: Bool)
    /// The latest publication of the processes' sweeps (nil: none yet), read at `wallNow` (seconds since 1970):
    /// listings another process's sweeps made are taken in as this process's own sweep would be.
    case publicationsRead(SweepSnapshot?, wallNow: Double)
    /// Whether other processes send with this process's key (its shared budget shows their requests of the last
    /// minute). With sweeps shared (``PollCore/stickySweeps``), sweeps start from the first watched run: one
    /// team-wide sweep for every process on the key costs less than each of them polling its own runs, and none of
    /// them sweeps until some process wants sweeps.
    case othersOnKey(Bool)
    /// The lease or the publications could not be read (after the coordinator's own fallback).
    case sharingFailed(CoordinationError)
    /// The process shuts down: every subscription ends with reason `shutdown`.
    case shutdown
    /// `runID` was started with this process's webhook: Duvo will announce its changes, so once watched it is read
    /// only as a safety net (``PollTuning/safetyNetInterval``) while events arrive.
    case pushExpected(runID: String)
    /// A webhook event named `runID`: a hint to read it now, never its state. Costs nothing for a run not watched,
    /// except that an event announcing an end (`endsRun`) brings the key's next sweep forward, when this process
    /// sweeps: another process may watch the run, and one listing answers every such event that came together.
    case hinted(runID: String, endsRun: Bool = false)
    /// The event bus started (`receiving`) or stopped (`unavailable`) delivering hints.
    case eventBus(EventBusHealth)
}

/// What the core asks its driver to do: the output of ``PollCore/step(_:now:)``.
package enum PollEffect: Sendable, Hashable {
    /// Make a request and feed its answer back as ``PollEvent/answered(_:_:)`` or ``PollEvent/failed(_:_:)``.
    case send(PollRequest)
    /// Hand an event to a subscription (``RunEvent/ended(status:reason:error:)`` also finishes its stream).
    case emit(subscription: UInt64, RunEvent)
    /// A sweep finished (`completed`: its number) or sweeps stopped or failed (nil): answer who waits on listings.
    case sweepSettled(completed: Int?)
    /// Ask the processes this one shares sweeps with (see ``SweepSharing``); the outcome comes back as an event.
    case share(SharingRequest)
    /// A line for the log.
    case log(PollLogLevel, String)
}

/// How loud a ``PollEffect/log(_:_:)`` line is.
package enum PollLogLevel: Sendable, Hashable {
    /// Routine: a retry, a sweep cut short.
    case debug
    /// A change of mode that needs nothing done (webhook events arrive again).
    case info
    /// A follow ended on an error.
    case warning
}
