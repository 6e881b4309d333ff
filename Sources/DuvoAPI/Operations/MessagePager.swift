import JSONCore
import KeyCoordination

extension DuvoClient {
    /// Reads every message of a run from `offset` on, page by page at the largest page size the API allows.
    ///
    /// - Returns: `{messages, total, limit, offset}` shaped like one page holding everything.
    package func allMessages(_ runID: String, from offset: Int = 0, priority: RateBudget.Priority = .interactive)
        async throws(DuvoAPIError) -> JSONValue
    {
        var collected: [JSONValue] = []
        var total = 0
        var next = offset
        let pageSize = maxMessagePageSize
        while true {
            let page = try await messages(runID, limit: pageSize, offset: next, priority: priority)
            let batch = page["messages"]?.arrayValue ?? []
            total = page["total"]?.intValue ?? (next + batch.count)
            collected += batch
            next += batch.count
            if batch.isEmpty || next >= total { break }
        }
        return ["messages": .array(collected), "total": .int(total), "limit": .int(collected.count),
                "offset": .int(offset)]
    }

    /// Reads every run matching `filter` (v2), page by page, up to `cap` runs.
    /// - Returns: `{data, total, limit, offset}` shaped like one page holding everything read.
    package func allRuns(_ filter: RunListFilter, teamID: String? = nil, cap: Int = 10_000,
                        priority: RateBudget.Priority = .interactive) async throws(DuvoAPIError) -> JSONValue {
        var collected: [JSONValue] = []
        var total = 0
        var page = filter
        page.limit = 100
        let start = filter.offset ?? 0
        page.offset = start
        while collected.count < cap {
            let answer = try await listRuns(page, teamID: teamID, priority: priority)
            let batch = answer["data"]?.arrayValue ?? []
            total = answer["total"]?.intValue ?? (start + collected.count + batch.count)
            collected += batch
            page.offset = start + collected.count
            if batch.isEmpty || start + collected.count >= total { break }
        }
        return ["data": .array(Array(collected.prefix(cap))), "total": .int(total),
                "limit": .int(min(collected.count, cap)), "offset": .int(start)]
    }
}
