import DuvoAPI

/// Reads of a swept run's status beside its message fetch under way.
///
/// A swept run's request lane mostly carries message fetches at the budget's background share, which under load wait
/// seconds (minutes, for a process that keeps losing the race for the even spread) before they go. A read of the run
/// that is due meanwhile (a listing showed it waiting for a person, a webhook event named it) goes beside that
/// fetch, at status priority, instead of after it: what it finds is taken in as a listing's entry would be, with the
/// request of a run waiting for a person. At most one such read per run.
extension PollCore {
    /// Starts the status reads due of swept runs whose lane holds a message fetch.
    mutating func startStatusReads(now: Double, effects: inout [PollEffect]) {
        let running = runs.values.filter { $0.statusRead != nil }.count
        let due = runs.values.filter { waitsForStatusBesideFetch($0) && $0.next.due <= now }
            .sorted { ($0.next.due, $0.runID) < ($1.next.due, $1.runID) }
        for run in due.prefix(max(0, tuning.concurrency - running)) {
            let ticket = takeTicket()
            runs[run.runID]?.statusRead = ticket
            effects.append(.send(.readRun(ticket: ticket, runID: run.runID, priority: .status)))
        }
    }

    /// Whether `run` needs a read of its status (due now or later) while a message fetch holds its lane.
    func waitsForStatusBesideFetch(_ run: WatchedRun) -> Bool {
        guard case .fetch? = run.inFlight, run.statusRead == nil, run.isSwept, run.endingStatus == nil else {
            return false
        }
        return run.next.statusPending
    }

    /// Takes in a status read made beside the run's fetch. A run that went back to its own polls meanwhile gets its own
    /// read instead, so that its messages still come before its status.
    mutating func takeStatusRead(_ read: RunRead, runID: String, now: Double, effects: inout [PollEffect]) {
        guard var run = runs[runID] else { return }
        run.statusRead = nil
        run.hinted = false
        guard run.isSwept else {
            run.needsStatusRead(at: now)
            runs[runID] = run
            return
        }
        let listed = read.run
        guard listed.status.needsAttention else {
            runs[runID] = run
            absorb(listed, runID: runID, now: now, effects: &effects)
            return
        }
        if run.isOutdated(by: listed.status, updatedAt: listed.updatedAt) {
            runs[runID] = run
            return
        }
        let changed = listed.updatedAt != run.lastUpdatedAt
        run.listed()
        run.lastStatus = listed.status
        run.lastUpdatedAt = listed.updatedAt
        run.next.statusPending = false
        if changed { run.markStale(updatedAt: listed.updatedAt, now: now) }
        runs[runID] = run
        report(status: listed.status, run: listed, pending: read.pendingHumanRequest, runID: runID, effects: &effects)
    }
}
