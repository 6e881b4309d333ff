import Foundation
import JSONCore

/// One notification for a run's webhook: the documented `{event, run_id, status}` payload and where to send it.
package struct WebhookEvent: Sendable, Hashable {
    package var url: String
    package var event: String
    package var runID: String
    package var status: String

    package init(url: String, event: String, runID: String, status: String) {
        self.url = url
        self.event = event
        self.runID = runID
        self.status = status
    }

    /// The POST body.
    package var payload: JSONValue {
        ["event": .string(event), "run_id": .string(runID), "status": .string(status)]
    }
}

extension WebhookEvent {
    /// The URL fit for logs: scheme, host and port, with the path (which may hold a token), the query and any
    /// credentials replaced by `…`.
    package var redactedURL: String {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            let host = components.host
        else { return "(an unreadable URL)" }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let port = components.port.map { ":\($0)" } ?? ""
        let hidden =
            components.user != nil || !["", "/"].contains(components.path) || components.query != nil
            || components.fragment != nil
        return "\(scheme)://\(bracketed)\(port)/" + (hidden ? "…" : "")
    }
}
