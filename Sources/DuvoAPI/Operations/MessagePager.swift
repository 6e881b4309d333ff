import KeyCoordination

extension DuvoClient {
    /// The most messages or runs one read of "all" collects; `total` tells how many there are, and a read from a
    /// later offset goes on. It bounds memory and time whatever an answer's `total` claims.
    package static let allCap = 10_000

    /// Reads every message of a run from `offset` on, page by page at the largest page size the API allows, up to
    /// `cap` messages.
    ///
    /// - Returns: one page holding everything read (`limit` is the count read).
    package func allMessages(_ runID: String, from offset: Int = 0, cap: Int = allCap,
                             priority: RateBudget.Priority = .interactive) async throws(DuvoAPIError) -> MessagePage
    {
        var collected: [Message] = []
        var total = 0
        var next = offset
        let pageSize = maxMessagePageSize
        while collected.count < cap {
            let page = try await messages(runID, limit: pageSize, offset: next, priority: priority)
            let batch = page.messages
            total = page.total ?? (next + batch.count)
            collected += batch
            next += batch.count
            if batch.isEmpty || next >= total { break }
        }
        collected = Array(collected.prefix(cap))
        return MessagePage(messages: collected, total: total, limit: collected.count, offset: offset)
    }

    /// Reads every run matching `filter` (v2), page by page, up to `cap` runs.
    /// - Returns: one page holding everything read.
    package func allRuns(_ filter: RunListFilter, teamID: String? = nil, cap: Int = allCap,
                        priority: RateBudget.Priority = .interactive) async throws(DuvoAPIError) -> RunPage {
        var collected: [Run] = []
        var total = 0
        var page = filter
        page.limit = 100
        let start = filter.offset ?? 0
        page.offset = start
        while collected.count < cap {
            let answer = try await listRuns(page, teamID: teamID, priority: priority)
            let batch = answer.runs
            total = answer.total ?? (start + collected.count + batch.count)
            collected += batch
            page.offset = start + collected.count
            if batch.isEmpty || start + collected.count >= total { break }
        }
        return RunPage(runs: Array(collected.prefix(cap)), total: total, limit: min(collected.count, cap),
                       offset: start)
    }
}
