import JSONCore

/// One webhook event as a hint that a run changed: which run, which event, the status as Duvo sent it, and when the
/// receiver took it. Never the run's state: a process that follows the run reads it on a hint.
package struct WebhookHint: Sendable, Hashable {
    /// The longest run id, event name or status a hint carries (Duvo's are far shorter).
    package static let maxFieldBytes = 128

    /// The run's id, as Duvo sent it.
    package let runID: String
    /// `run_completed`, `run_failed`, `run_interrupted`, `human_request`, or a name Duvo adds later.
    package let event: String
    /// The status string as received (empty when Duvo sent none).
    package let status: String
    /// When the receiver accepted the event (wall-clock seconds since 1970).
    package let receivedAt: Double

    /// A hint, or nil when a field is empty where it must not be, too long, or holds control characters.
    package init?(runID: String, event: String, status: String, receivedAt: Double) {
        guard Self.isPlain(runID, allowEmpty: false), Self.isPlain(event, allowEmpty: false),
              Self.isPlain(status, allowEmpty: true), receivedAt.isFinite
        else { return nil }
        self.runID = runID
        self.event = event
        self.status = status
        self.receivedAt = receivedAt
    }

    /// The hint in Duvo's webhook body (`{"event", "run_id", "status"}`, other fields ignored).
    /// - Throws: ``WebhookPayloadError`` naming what is wrong: not JSON, not an object, a missing or unusable field.
    package init(payload: [UInt8], receivedAt: Double) throws(WebhookPayloadError) {
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: 8).parse(payload)
        } catch {
            throw WebhookPayloadError("the body is not JSON (\(error))")
        }
        guard value.objectValue != nil else { throw WebhookPayloadError("the body is not a JSON object") }
        guard let runID = value["run_id"]?.stringValue, !runID.isEmpty else {
            throw WebhookPayloadError("'run_id' is missing or not a non-empty string")
        }
        guard let event = value["event"]?.stringValue, !event.isEmpty else {
            throw WebhookPayloadError("'event' is missing or not a non-empty string")
        }
        let status = value["status"]?.stringValue ?? ""
        guard let hint = WebhookHint(runID: runID, event: event, status: status, receivedAt: receivedAt) else {
            throw WebhookPayloadError("'run_id', 'event' or 'status' is longer than \(Self.maxFieldBytes) bytes or "
                + "holds control characters")
        }
        self = hint
    }

    /// The hint as sent between processes: a small JSON object.
    package var encoded: [UInt8] {
        JSONWriter(sortedKeys: true).bytes([
            "run_id": .string(runID), "event": .string(event), "status": .string(status),
            "received_at": .double(receivedAt),
        ])
    }

    /// A hint from another process's ``encoded`` bytes; nil for anything else.
    package init?(encoded bytes: some Collection<UInt8>) {
        guard bytes.count <= 1024 else { return nil }
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: 2).parse(bytes)
        } catch {
            return nil
        }
        guard let runID = value["run_id"]?.stringValue, let event = value["event"]?.stringValue,
              let status = value["status"]?.stringValue, let receivedAt = value["received_at"]?.doubleValue
        else { return nil }
        self.init(runID: runID, event: event, status: status, receivedAt: receivedAt)
    }

    private static func isPlain(_ text: String, allowEmpty: Bool) -> Bool {
        (allowEmpty || !text.isEmpty) && text.utf8.count <= maxFieldBytes
            && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// Why a webhook body was refused (answered 400).
package struct WebhookPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, for the answer's body and the log.
    package let description: String

    init(_ description: String) { self.description = description }
}
