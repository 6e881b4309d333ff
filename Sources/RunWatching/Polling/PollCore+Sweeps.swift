import DuvoAPI
import JSONCore

/// Team-wide sweeps: one listing of the team's runs by `updated_at` tells every watched run's status and whether it
/// changed, 100 runs per request.
extension PollCore {
    /// Starts a sweep: its first page.
    mutating func startSweep(catchUp: Bool = false, now: Double, effects: inout [PollEffect]) {
        let ticket = takeTicket()
        sweep.lastStartedAt = now
        sweep.hintedAt = nil
        sweep.current = SweepState.Pass(ticket: ticket, number: sweep.started, floor: sweep.highWater,
                                        catchUp: catchUp)
        sweep.started += 1
        effects.append(.log(.debug, "\(catchUp ? "catch-up sweep" : "sweep") \(sweep.started - 1) starts"))
        effects.append(.send(.listPage(ticket: ticket, offset: 0)))
    }

    /// Takes in one page of the sweep under way; asks for the next or ends the sweep.
    mutating func takePage(_ page: RunPage, ticket: UInt64, now: Double, effects: inout [PollEffect]) {
        guard var pass = sweep.current, pass.ticket == ticket else { return }
        pass.pages += 1
        let data = page.runs
        var reachedSeen = false
        for listed in data {
            if let updated = listed.updatedAt.flatMap(RunStatistics.parseDate) {
                pass.newest = max(pass.newest ?? updated, updated)
                pass.oldestListed = min(pass.oldestListed ?? updated, updated)
                if let floor = pass.floor, updated < floor { reachedSeen = true }
            }
        }
        takeIn(listing: data, now: now, effects: &effects)
        pass.listed += data
        pass.offset += data.count
        let total = page.total ?? pass.offset
        if data.isEmpty || pass.offset >= total { reachedSeen = true }
        sweep.current = pass
        if !reachedSeen && pass.pages < tuning.maxSweepPages {
            effects.append(.send(.listPage(ticket: ticket, offset: pass.offset)))
            return
        }
        // Stopped by the page cap before reaching what was seen: the changes between are in no listing (the next
        // sweep starts from the top again), so each watched run is read once, and the next sweep goes on from here.
        if !reachedSeen {
            readEveryRunOnce(now: now)
            effects.append(.log(.debug, "sweep stopped after \(pass.pages) pages; each watched run is read once"))
        }
        if !pass.catchUp {
            // (A catch-up keeps the floor of the publications read since.)
            sweep.highWater = reachedSeen ? pass.newest : (pass.newest ?? pass.floor)
        }
        sweep.recentlyListed = sweep.recentlyListed.filter { $0.value.at >= now - tuning.listingMemory }
        for (runID, run) in runs where run.stall?.bySweeps == true {
            recover(runID, bySweeps: true, now: now, effects: &effects)
        }
        sweep.completed = max(sweep.completed, pass.number)
        if pass.catchUp {
            sweep.current = nil
        } else {
            finishSweep(succeeded: true, pages: pass.pages, now: now)
            publish(pass.listed, effects: &effects)
        }
        effects.append(.sweepSettled(completed: pass.number))
    }

    /// Takes in what another process's sweeps listed, as if this process had swept: it counts as a sweep for who
    /// waits on listings, and a later sweep of this process's own (should it lead) goes on from its floor.
    mutating func takePublished(_ listing: [Run], highWater: Double?, now: Double,
                                effects: inout [PollEffect]) {
        guard !isIdle else { return }
        // Another process sweeps the team anyway: its listings watch these runs for free.
        sweep.engaged = true
        let number = sweep.started
        sweep.started += 1
        sweep.completed = number
        takeIn(listing: listing, now: now, effects: &effects)
        if let highWater { sweep.highWater = max(sweep.highWater ?? highWater, highWater) }
        sweep.failures = 0
        sweep.recentlyListed = sweep.recentlyListed.filter { $0.value.at >= now - tuning.listingMemory }
        for (runID, run) in runs where run.stall?.bySweeps == true {
            recover(runID, bySweeps: true, now: now, effects: &effects)
        }
        effects.append(.sweepSettled(completed: number))
    }

    /// Some publications were missed, so a change may have gone unseen since the floor of the last one taken in.
    /// One listing down to that floor shows every such change, for a page per 100 changed runs: a catch-up sweep of
    /// this process's own (published to no one). Without a floor, or with a sweep of its own under way, every swept
    /// run is read once on its own instead.
    mutating func catchUp(now: Double, effects: inout [PollEffect]) {
        guard !isIdle, runs.values.contains(where: \.isSwept) else { return }
        guard canListRuns, sweep.current == nil, sweep.highWater != nil else {
            readEveryRunOnce(now: now)
            return
        }
        startSweep(catchUp: true, now: now, effects: &effects)
    }

    /// Every swept run is read once on its own (its status, and its messages after).
    mutating func readEveryRunOnce(now: Double) {
        for (id, run) in runs where run.isSwept {
            runs[id]?.needsStatusRead(at: now)
            runs[id]?.markStale(updatedAt: run.lastUpdatedAt, now: now)
        }
    }

    /// Takes in listed runs (from this process's sweep, or one another process published): every run listed is
    /// remembered as existing, and what a listing says of a watched run is reported.
    mutating func takeIn(listing: [Run], now: Double, effects: inout [PollEffect]) {
        for listed in listing {
            let id = listed.id
            sweep.recentlyListed[id] = (now, listed)
            if runs[id] != nil { absorb(listed, runID: id, now: now, effects: &effects) }
        }
    }

    mutating func sweepFailed(_ error: DuvoAPIError, ticket: UInt64, now: Double,
                                      effects: inout [PollEffect]) {
        guard let pass = sweep.current, pass.ticket == ticket else { return }
        if error == .cancelled {
            sweep.current = nil
            return
        }
        if pass.catchUp {
            // Nothing this process's own sweeps watch failed: the reads of its runs catch up instead.
            sweep.current = nil
            effects.append(.sweepSettled(completed: nil))
            readEveryRunOnce(now: now)
            return
        }
        effects.append(.log(.debug, "sweep failed (\(error.message)); the next one starts from the same point"))
        effects.append(.sweepSettled(completed: nil))
        if sweep.failures + 1 >= tuning.sweepFailuresBeforeFallback {
            // Sweeps keep failing: every run goes back to its own polls until a sweep works again.
            returnToOwnPolls(dueBy: now + tuning.activeInterval * tuning.scale)
        }
        // The runs sweeps watch learn nothing until a sweep works: their follows are stalled.
        for (runID, run) in runs where run.isSwept {
            stall(runID, error: error, bySweeps: true, now: now, effects: &effects)
        }
        finishSweep(succeeded: false, pages: pass.pages, now: now)
    }

    /// Spaces the next sweep: by its share of the budget, longer after failures.
    private mutating func finishSweep(succeeded: Bool, pages: Int, now: Double) {
        sweep.current = nil
        sweep.failures = succeeded ? 0 : sweep.failures + 1
        let backoff = succeeded ? 1 : Double(1 << min(sweep.failures, 5))
        sweep.interval = max(min(60, tuning.sweepInterval * tuning.scale * backoff), sweepSpacing(pages: pages))
        sweep.nextDue = now + sweep.interval
    }

    /// The pause after a sweep of `pages` requests that keeps sweeps within their share of the budget, leaving the
    /// rest for message fetches and for what clients ask.
    private func sweepSpacing(pages: Int) -> Double {
        guard rateLimit > 0 else { return 0 }
        return Double(max(1, pages)) * 60 / (Double(rateLimit) * tuning.sweepShare)
    }

    /// Takes in one listed run: reports its status now (a run waiting for a person is read for its request), marks
    /// its messages for fetching when it changed, and ends a subscription that wants no messages at a terminal status.
    mutating func absorb(_ listed: Run, runID: String, now: Double, effects: inout [PollEffect]) {
        guard var run = runs[runID] else { return }
        let updatedAt = listed.updatedAt
        if run.isOutdated(by: listed.status, updatedAt: updatedAt) {
            return  // a read already told something newer
        }
        let status = listed.status
        let kind = status
        let news = updatedAt != run.lastUpdatedAt || !run.isSwept
        if !run.isSwept { run.phase = .swept(news: nil) }
        run.listed()
        run.lastUpdatedAt = updatedAt
        if kind.needsAttention {
            if status != run.lastStatus || news {
                run.needsStatusRead(at: now)
            }
            runs[runID] = run
        } else {
            run.lastStatus = status
            run.next.statusPending = false
            runs[runID] = run
            report(status: status, run: listed, pending: nil, runID: runID, effects: &effects)
            guard let reported = runs[runID] else { return }
            run = reported
        }
        if news || kind.isTerminal { run.markStale(updatedAt: updatedAt, now: now) }
        if kind.isTerminal || kind.needsAttention, case .inListing = run.pendingHint { run.pendingHint = .none }
        if kind.isTerminal {
            run.phase = .ending(status: status, news: run.news)
        } else if run.endingStatus != nil {
            run.phase = .swept(news: run.news)  // resumed by a new message after it ended
        }
        runs[runID] = run
        if kind.isTerminal && run.lowestWantedIndex == nil {
            end(runID, status: status, reason: .terminal, error: nil, effects: &effects)
        }
    }
}
