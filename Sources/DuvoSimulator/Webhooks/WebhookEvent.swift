import JSONCore

/// One notification for a run's webhook: the documented `{event, run_id, status}` payload and where to send it.
struct WebhookEvent: Sendable, Hashable {
    var url: String
    var event: String
    var runID: String
    var status: String

    /// The POST body.
    var payload: JSONValue {
        ["event": .string(event), "run_id": .string(runID), "status": .string(status)]
    }
}
