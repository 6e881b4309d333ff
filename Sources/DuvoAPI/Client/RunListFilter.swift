/// The filters and paging of v2's `GET /teams/{team}/runs`, as the operations guide lists them.
package struct RunListFilter: Sendable, Equatable {
    /// Only runs of this agent.
    package var agentID: String?
    /// Only runs in these statuses (sent comma-separated).
    package var statuses: [String]
    /// Only runs created at or after this ISO 8601 time.
    package var since: String?
    /// Only runs Duvo flagged (true) or did not flag (false).
    package var hasIssues: Bool?
    /// Only runs flagged with this severity: critical, medium or low.
    package var issueSeverity: String?
    /// Page size, 1-100.
    package var limit: Int?
    /// Rows to skip.
    package var offset: Int?
    /// created_at, started_at, completed_at or updated_at.
    package var sortBy: String?
    /// asc or desc.
    package var sortOrder: String?

    /// A filter; everything optional.
    package init(agentID: String? = nil, statuses: [String] = [], since: String? = nil, hasIssues: Bool? = nil,
                issueSeverity: String? = nil, limit: Int? = nil, offset: Int? = nil, sortBy: String? = nil,
                sortOrder: String? = nil) {
        self.agentID = agentID
        self.statuses = statuses
        self.since = since
        self.hasIssues = hasIssues
        self.issueSeverity = issueSeverity
        self.limit = limit
        self.offset = offset
        self.sortBy = sortBy
        self.sortOrder = sortOrder
    }

    /// The query items, in a stable order.
    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let agentID { items.append(("agent_id", agentID)) }
        if !statuses.isEmpty { items.append(("status", statuses.joined(separator: ","))) }
        if let since { items.append(("since", since)) }
        if let hasIssues { items.append(("has_issues", hasIssues ? "true" : "false")) }
        if let issueSeverity { items.append(("issue_severity", issueSeverity)) }
        if let limit { items.append(("limit", String(limit))) }
        if let offset { items.append(("offset", String(offset))) }
        if let sortBy { items.append(("sort_by", sortBy)) }
        if let sortOrder { items.append(("sort_order", sortOrder)) }
        return items
    }
}
