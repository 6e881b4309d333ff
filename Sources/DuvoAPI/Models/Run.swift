import JSONCore

/// A run as Duvo describes it (`GET /runs/{id}`'s `run`, an item of `GET /v2/teams/{team}/runs`).
package struct Run: DuvoModel {
    package static let kind = "run"

    package var id: String
    package var status: RunStatus
    package var agentID: String?
    /// Duvo's timestamps, kept as it wrote them (ISO 8601).
    package var createdAt: String?
    package var startedAt: String?
    package var completedAt: String?
    package var updatedAt: String?
    /// Every other member, as Duvo sent it.
    package var extra: [String: JSONValue]

    package init(id: String, status: RunStatus, agentID: String? = nil, createdAt: String? = nil,
                 startedAt: String? = nil, completedAt: String? = nil, updatedAt: String? = nil,
                 extra: [String: JSONValue] = [:]) {
        self.id = id
        self.status = status
        self.agentID = agentID
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.updatedAt = updatedAt
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        id = try reader.string("id")
        status = RunStatus(rawValue: try reader.string("status"))
        agentID = try reader.optionalString("agent_id")
        createdAt = try reader.optionalString("created_at")
        startedAt = try reader.optionalString("started_at")
        completedAt = try reader.optionalString("completed_at")
        updatedAt = try reader.optionalString("updated_at")
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("id", id)
        writer.set("status", status.rawValue)
        writer.set("agent_id", agentID)
        writer.set("created_at", createdAt)
        writer.set("started_at", startedAt)
        writer.set("completed_at", completedAt)
        writer.set("updated_at", updatedAt)
        return writer.json
    }
}

extension Run {
    /// The agent build the run executes (documented as a UUID; read from `extra`, where it passes through).
    package var buildID: String? { extra["build_id"]?.stringValue }
    /// What started the run (nullable in the documents).
    package var source: String? { extra["source"]?.stringValue }
    /// The sandbox holding the run's uploaded files (nullable).
    package var sandboxID: String? { extra["sandbox_id"]?.stringValue }
    /// How serious the issues Duvo flagged on the run are (`critical`, `medium`, `low`; API v2 listings).
    package var issueSeverity: String? { extra["issue_severity"]?.stringValue }
}
