import HTTPServer
import JSONCore

extension RunEndpoints {
    static let sortFields = ["created_at", "started_at", "completed_at", "updated_at"]

    /// `GET /v2/teams/{team}/runs`: filtered, sorted, paged; 200 `{data, total, limit, offset}`.
    ///
    /// Runs without the sort field (e.g. never started) come last in either order; ties keep creation order.
    func list(_ context: RequestContext, team: String) throws(APIError) -> HTTPResponse {
        let query = context.query
        let agentID = try query.string("agent_id").map { text throws(APIError) in
            try UUIDFormat.require(text, name: "agent_id")
        }
        let statuses = try statusFilter(query.string("status"))
        var since: Int64?
        if let text = query.string("since") {
            guard let parsed = Timestamp.parse(text) else {
                throw .invalidField(
                    "Query parameter 'since' must be an ISO 8601 timestamp such as 2026-05-17T00:00:00Z, "
                        + "got '\(text.prefix(40))'."
                )
            }
            since = parsed
        }
        let hasIssues = try query.choice("has_issues", ["true", "false"], default: nil).map { $0 == "true" }
        let severity = try query.choice("issue_severity", ["critical", "medium", "low"], default: nil)
        let limit = try query.integer("limit", default: 20, range: 1...100)
        let offset = try query.integer("offset", default: 0, range: 0...Int.max)
        let sortBy = try query.choice("sort_by", Self.sortFields, default: "created_at") ?? "created_at"
        let ascending = try query.choice("sort_order", ["asc", "desc"], default: "desc") == "asc"

        let matches = store.runs(team: team).filter { run in
            if let agentID, run.agentID != agentID { return false }
            if let statuses, !statuses.contains(run.status) { return false }
            // Compared at whole seconds, the precision clients see.
            if let since, Timestamp.wholeSecond(run.createdAt) < since { return false }
            if let hasIssues, (run.issueSeverity != nil) != hasIssues { return false }
            if let severity, run.issueSeverity != severity { return false }
            return true
        }
        let sorted = matches.sorted { lhs, rhs in
            let left = Self.sortKey(lhs, sortBy)
            let right = Self.sortKey(rhs, sortBy)
            switch (left, right) {
            case (nil, nil): break
            case (nil, _): return false
            case (_, nil): return true
            case (let l?, let r?) where l != r: return ascending ? l < r : l > r
            default: break
            }
            return ascending ? lhs.sequence < rhs.sequence : lhs.sequence > rhs.sequence
        }
        let page = sorted.dropFirst(offset).prefix(limit)
        return JSONResponse.make(
            200,
            [
                "data": .array(page.map { RunEncoding.run($0, version: .v2) }),
                "total": .int(matches.count), "limit": .int(limit), "offset": .int(offset),
            ])
    }

    private func statusFilter(_ text: String?) throws(APIError) -> Set<RunStatus>? {
        guard let text else { return nil }
        var result = Set<RunStatus>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let status = RunStatus(rawValue: String(part)) else {
                let names = RunStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidField(
                    "Query parameter 'status' must be one of \(names) (or several, comma-separated), "
                        + "got '\(part.prefix(32))'."
                )
            }
            result.insert(status)
        }
        return result
    }

    /// The sort value at whole-second precision (what clients see), nil when the run lacks that timestamp.
    private static func sortKey(_ run: RunRecord, _ field: String) -> Int64? {
        let value: Int64? =
            switch field {
            case "started_at": run.startedAt
            case "completed_at": run.completedAt
            case "updated_at": run.updatedAt
            default: run.createdAt
            }
        return value.map(Timestamp.wholeSecond)
    }
}
