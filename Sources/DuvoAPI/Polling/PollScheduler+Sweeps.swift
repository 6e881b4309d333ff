import JSONCore

/// Team-wide sweeps and the message fetches they schedule.
///
/// Why sweeps see every change: a sweep lists the team's runs by `updated_at`, newest first, down to the newest
/// `updated_at` the previous successful sweep saw (the same second included). Every change bumps `updated_at`, so
/// a change is in the first sweep that starts after it, and a failed sweep leaves that floor where it was.
extension PollScheduler {
    /// Lists the team's runs changed since the previous sweep and takes in what each listing says of a watched run.
    func runSweep() async {
        var succeeded = false
        var pages = 0
        let number = sweep.started
        sweep.started += 1
        defer {
            sweep.inFlight = false
            sweep.failures = succeeded ? 0 : sweep.failures + 1
            let backoff = succeeded ? 1 : Double(1 << min(sweep.failures, 5))
            sweep.interval = max(min(60, tuning.sweepInterval * tuning.scale * backoff), sweepSpacing(pages: pages))
            sweep.nextDue = MonotonicClock.now() + sweep.interval
        }
        let floor = sweep.highWater
        var newest = floor
        var oldestListed: Double?
        var offset = 0
        var reachedSeen = false
        do {
            while pages < tuning.maxSweepPages && !reachedSeen {
                let filter = RunListFilter(limit: 100, offset: offset, sortBy: "updated_at", sortOrder: "desc")
                // A sweep is the cheapest news there is (one request, up to 100 runs): it goes ahead of everything
                // else, clients' calls included, and its spacing keeps it to its share of the budget.
                let page = try await client.listRuns(filter, priority: .status)
                pages += 1
                let data = page["data"]?.arrayValue ?? []
                let now = MonotonicClock.now()
                for listed in data {
                    let updated = listed["updated_at"]?.stringValue.flatMap(RunStatistics.parseDate)
                    if let updated {
                        newest = max(newest ?? updated, updated)
                        oldestListed = min(oldestListed ?? updated, updated)
                        if let floor, updated < floor { reachedSeen = true }
                    }
                    guard let id = listed["id"]?.stringValue else { continue }
                    sweep.recentlyListed[id] = (now, listed)
                    if runs[id] != nil { absorb(listed, runID: id, now: now) }
                }
                offset += data.count
                let total = page["total"]?.intValue ?? offset
                if data.isEmpty || offset >= total { reachedSeen = true }
            }
            // Stopped by the page cap before reaching what was seen: the next sweep starts where this one stopped.
            sweep.highWater = reachedSeen ? newest : (oldestListed ?? floor)
            if !reachedSeen { logger.debug("sweep stopped after \(pages) pages; the next one goes on from there") }
            succeeded = true
            forgetListings(olderThan: MonotonicClock.now() - tuning.listingMemory)
            answerExistenceWaiters(completed: number)
        } catch {
            logger.debug("sweep failed (\(error.message)); the next one starts from the same point")
            answerExistenceWaiters(completed: nil)
            if sweep.failures + 1 >= tuning.sweepFailuresBeforeFallback {
                // Sweeps keep failing: every run goes back to its own polls until a sweep works again.
                returnToOwnPolls(dueBy: MonotonicClock.now() + tuning.activeInterval * tuning.scale)
            }
        }
    }

    /// The pause after a sweep of `pages` requests that keeps sweeps within their share of the budget, leaving the
    /// rest for message fetches and for what clients ask.
    private func sweepSpacing(pages: Int) -> Double {
        let limit = client.budget.limit
        guard limit > 0 else { return 0 }
        return Double(max(1, pages)) * 60 / (Double(limit) * tuning.sweepShare)
    }

    /// Takes in one listed run: reports its status now (a run waiting for a person is read for its request), marks
    /// its messages for fetching when it changed, and ends a subscription that wants no messages at a terminal status.
    func absorb(_ listed: JSONValue, runID: String, now: Double) {
        guard var run = runs[runID] else { return }
        let updatedAt = listed["updated_at"]?.stringValue
        if let listedDate = updatedAt.flatMap(RunStatistics.parseDate),
           let knownDate = run.lastUpdatedAt.flatMap(RunStatistics.parseDate), listedDate < knownDate {
            return  // a poll already told something newer
        }
        let status = listed["status"]?.stringValue ?? "unknown"
        let kind = RunStatus(rawValue: status)
        let news = updatedAt != run.lastUpdatedAt || !run.seenInSweep
        run.seenInSweep = true
        run.lastUpdatedAt = updatedAt
        if kind.needsAttention {
            if status != run.lastStatus || news {
                run.statusPending = true
                run.nextDue = now
            }
        } else {
            Self.report(status: status, run: listed, pending: .null, to: &run)
            run.lastStatus = status
            run.statusPending = false
        }
        if news || kind.isTerminal { run.markStale(updatedAt: updatedAt, now: now) }
        if kind.isTerminal { run.terminalStatus = status }
        runs[runID] = run
        if kind.isTerminal && run.lowestWantedIndex == nil {
            end(runID, status: status, reason: .terminal, error: nil)
        }
    }

    private func forgetListings(olderThan cutoff: Double) {
        sweep.recentlyListed = sweep.recentlyListed.filter { $0.value.at >= cutoff }
    }

    /// Whether sweeps are in use and working, so a run's own polls can stop once it has been read.
    var sweepsAreReliable: Bool {
        usesSweeps && sweep.failures < tuning.sweepFailuresBeforeFallback
    }

    /// Fetches the new messages of a run a sweep saw change (background share); at a terminal status already
    /// reported, this delivers the last of them and ends the follow.
    func fetchMessages(_ runID: String) async {
        defer {
            fetchesRunning -= 1
            runs[runID]?.pollInFlight = false
        }
        guard let stale = runs[runID]?.staleMessages else { return }
        runs[runID]?.staleMessages = nil
        let terminalAtStart = runs[runID]?.terminalStatus
        let highWaterAtStart = sweep.highWater
        do {
            let serverDate = try await deliverMessages(runID, priority: .background)
            guard var current = runs[runID] else { return }
            current.consecutiveFailures = 0
            if let terminalAtStart {
                // Nothing is written after a terminal status: this fetch had every message.
                runs[runID] = current
                end(runID, status: terminalAtStart, reason: .terminal, error: nil)
                return
            }
            scheduleConfirmation(&current, updatedAt: stale.updatedAt, serverDate: serverDate,
                                 highWaterAtStart: highWaterAtStart, now: MonotonicClock.now())
            runs[runID] = current
        } catch {
            handle(error, runID: runID) { run, backoff in
                run.markStale(updatedAt: stale.updatedAt, now: stale.since, notBefore: MonotonicClock.now() + backoff)
            }
        }
    }
}
