import DuvoAPI
import KeyCoordination

/// What the core knows of webhook events: whether they can be counted on, and which runs Duvo announces.
///
/// A hint is never a run's state: it only makes the run's own read due now, so a forged or replayed event costs at
/// most one read (spaced by ``PollTuning/hintSpacing``) and an event for a run nobody here watches costs nothing.
struct PushState {
    /// The most runs started with the webhook but not yet watched that are remembered.
    static let maxExpected = 10_000

    /// Runs started with this process's webhook, not yet watched.
    var expected: Set<String> = []
    /// Why the bus does not deliver, while it does not (the safety net is off then: runs are polled as ever).
    var busTrouble: String?
    /// Whether a change Duvo announces was found by a read with no event for it: events do not arrive, and the
    /// runs are polled as ever until an event arrives again.
    var eventsMissed = false
    /// Whether an event arrived since events were missed (the next look trusts them again).
    var heardSinceMiss = false
    /// Whether the warning that events are not arriving was given (later misses are logged at `info`).
    var warnedMissing = false
    /// Runs whose read found an announced change with no hint yet: when the hint may still come.
    var unannounced: [String: Double] = [:]

    /// Whether the runs started with the webhook may be read only as a safety net.
    var isTrusted: Bool { busTrouble == nil && !eventsMissed }
}

extension PollCore {
    mutating func expectPush(_ runID: String) {
        guard push != nil else { return }
        if runs[runID] != nil {
            runs[runID]?.pushed = true
            return
        }
        if let count = push?.expected.count, count >= PushState.maxExpected { push?.expected.removeAll() }
        push?.expected.insert(runID)
    }

    /// A hint for `runID`: its own read falls due now at status priority, unless one is due or under way already, and
    /// no sooner than ``PollTuning/hintSpacing`` after the last one a hint asked for.
    ///
    /// A hint that the run ended (`endsRun`) is answered by a listing instead, when sweeps watch the run: the process
    /// that sweeps for the key got the same event and sweeps soon (``sweepSoon(now:)``), and one listing shows every
    /// end that came together to every process, where a read per event would add a request per run to the sweeps.
    mutating func takeHint(_ runID: String, endsRun: Bool, now: Double, effects: inout [PollEffect]) {
        push?.unannounced[runID] = nil
        if push?.eventsMissed == true { push?.heardSinceMiss = true }
        if endsRun { sweepSoon(now: now) }
        guard var run = runs[runID], run.endingStatus == nil else { return }
        run.hinted = true
        if endsRun, run.isSwept, sweepsAreReliable {
            if case .none = run.pendingHint {
                run.pendingHint = .inListing(until: now + tuning.hintListingPatience * tuning.scale)
            }
            runs[runID] = run
            hurrySharing(now: now)
            return
        }
        run.pendingHint = .afterRequest
        runs[runID] = run
        readHinted(runID, now: now)
        startStatusReads(now: now, effects: &effects)
    }

    /// An event announced an end: when this process sweeps, its next sweep goes soon (after
    /// ``PollTuning/hintSweepDelay``, for the events that come with it), but no sooner than
    /// ``PollTuning/hintSweepSpacing`` after the last one started. Failing sweeps keep their back-off.
    mutating func sweepSoon(now: Double) {
        guard usesSweeps, mayLead, sweep.failures == 0, sweep.hintedAt == nil else { return }
        sweep.hintedAt = now
    }

    /// When this process's next sweep is due: its interval after the last, or sooner for an event (see
    /// ``sweepSoon(now:)``).
    var nextSweepDue: Double {
        guard let hintedAt = sweep.hintedAt else { return sweep.nextDue }
        let soon = max(hintedAt + tuning.hintSweepDelay * tuning.scale,
                       sweep.lastStartedAt + tuning.hintSweepSpacing * tuning.scale)
        return min(sweep.nextDue, soon)
    }

    /// Whether a run waits for a listing that another process publishes (this one reads its publications sooner).
    var awaitsPublishedListing: Bool {
        guard let sharing, !sharing.leads else { return false }
        return runs.values.contains { if case .inListing = $0.pendingHint { true } else { false } }
    }

    /// The next round of sharing (and with it the read of the latest publication) comes within
    /// ``PollTuning/hintPublicationPoll``.
    private mutating func hurrySharing(now: Double) {
        guard case .due(let at)? = sharing?.round, awaitsPublishedListing else { return }
        sharing?.round = .due(at: min(at, now + tuning.hintPublicationPoll * tuning.scale))
    }

    /// Starts the reads hints asked for that could not start when the hint came, and those of runs no listing showed
    /// ended in time.
    mutating func readWaitingHints(now: Double) {
        for (runID, run) in runs {
            switch run.pendingHint {
            case .none:
                continue
            case .inListing where run.endingStatus != nil:
                runs[runID]?.pendingHint = .none
            case .inListing(let until):
                guard until <= now || !run.isSwept else { continue }
                runs[runID]?.pendingHint = .afterRequest
                readHinted(runID, now: now)
            case .afterRequest:
                readHinted(runID, now: now)
            }
        }
    }

    /// The read a hint asked for falls due, unless a read under way may predate the change the event announces: then
    /// it waits for that read's end. (A message fetch under way does not hold it up: see ``startStatusReads(now:effects:)``.)
    private mutating func readHinted(_ runID: String, now: Double) {
        guard var run = runs[runID], run.pendingHint == .afterRequest else { return }
        if case .poll? = run.inFlight { return }
        scheduleHintRead(&run, now: now)
        runs[runID] = run
    }

    private func scheduleHintRead(_ run: inout WatchedRun, now: Double) {
        run.pendingHint = .none
        run.listed()
        let due = max(now, run.lastHintRead + tuning.hintSpacing * tuning.scale)
        if run.next.statusPending && run.next.due <= due { return }
        run.needsStatusRead(at: due)
        run.lastHintRead = due
    }

    mutating func takeBusHealth(_ health: EventBusHealth, now: Double, effects: inout [PollEffect]) {
        guard push != nil else { return }
        switch health {
        case .receiving:
            guard push?.busTrouble != nil else { return }
            push?.busTrouble = nil
            effects.append(.log(.warning, eventsArriveAgain))
        case .unavailable(let reason):
            guard push?.busTrouble == nil else { return }
            push?.busTrouble = reason
            effects.append(.log(.warning, "webhook events cannot be received (\(reason)): runs are polled as if "
                + "there were none"))
            pollAsEver(now: now)
        }
    }

    /// Whether a run's next read of its own waits for the safety-net interval: Duvo announces its changes, events
    /// arrive, and a poll would find nothing else (no one wants its messages, or it is not running, so writes none).
    func readsAsSafetyNet(_ run: WatchedRun, status: RunStatus) -> Bool {
        guard run.pushed, push?.isTrusted == true else { return false }
        return run.lowestWantedIndex == nil || status != .running
    }

    /// A read of `run` found `status`: when it is a change Duvo announces and no hint told of it, the hint has
    /// ``PollTuning/missedEventGrace`` to come.
    mutating func noteAnnouncedChange(of run: WatchedRun, to status: RunStatus, now: Double) {
        guard run.pushed, push?.isTrusted == true, let previous = run.lastStatus, previous != status,
              status.isTerminal || status.needsAttention, !run.hinted
        else { return }
        push?.unannounced[run.runID] = now + tuning.missedEventGrace * tuning.scale
    }

    /// Events that did not come in time: warn (once) and poll the runs as if there were no webhook, until an event
    /// arrives again (a receiver restarted, an ingress back): then the safety net is trusted again.
    mutating func checkMissedEvents(now: Double, effects: inout [PollEffect]) {
        guard let push else { return }
        if push.eventsMissed && push.heardSinceMiss {
            self.push?.eventsMissed = false
            self.push?.heardSinceMiss = false
            effects.append(.log(.info, eventsArriveAgain))
            return
        }
        guard push.isTrusted, let missed = push.unannounced.first(where: { $0.value <= now }) else { return }
        self.push?.eventsMissed = true
        self.push?.unannounced = [:]
        self.push?.warnedMissing = true
        effects.append(.log(push.warnedMissing ? .info : .warning, "webhook events are not arriving (run "
            + "\(missed.key) changed with no event): runs are polled as if there were none until events arrive again"))
        pollAsEver(now: now)
    }

    /// What is logged when events can be counted on again (the bus back, or an event after a miss).
    private var eventsArriveAgain: String {
        "webhook events arrive again: runs started with the webhook are read every \(Int(tuning.safetyNetInterval)) s "
            + "as a safety net"
    }

    /// Runs waiting for a safety-net read get their ordinary poll's interval instead.
    private mutating func pollAsEver(now: Double) {
        for (runID, run) in runs where run.pushed && !run.isSwept {
            let usual = now + tuning.interval(age: now - run.firstWatched, changed: false)
            runs[runID]?.next.due = min(run.next.due, usual)
        }
    }
}
