import JSONCore

/// How the processes on one key and team share team-wide sweeps: one of them holds a lease and sweeps, and publishes
/// what each sweep saw; the others read the latest results instead of sweeping themselves.
///
/// The lease expires unless renewed, so a leader that dies (even by SIGKILL) or hangs is replaced within `lifetime`
/// seconds; the file implementation also notices at once that the holder's process is gone.
package protocol SweepCoordinator: Sendable {
    /// Takes the lease when it is free, expired or held by a dead process, or renews it when this coordinator already
    /// holds it; returns whether this process now leads, for `lifetime` seconds.
    func acquireOrRenew(lifetime: Double) async throws(CoordinationError) -> Bool
    /// Gives the lease up at once (when this process holds it), so another process can lead without waiting.
    func release() async throws(CoordinationError)
    /// Publishes one sweep's results for every process to read.
    func publish(_ snapshot: SweepSnapshot) async throws(CoordinationError)
    /// The latest results published by any leader, nil when none were.
    func latest() async throws(CoordinationError) -> SweepSnapshot?
    /// What the coordinator is, for logs (never a secret).
    var label: String { get }
}

/// What one sweep saw, as the leader published it.
package struct SweepSnapshot: Sendable, Hashable {
    /// Increases with every publication of a leader (a new leader continues from the latest it read).
    package var sequence: Int
    /// When the sweep was taken, in seconds since 1970 (wall clock, comparable across machines).
    package var takenAt: Double
    /// The publishing process's random id.
    package var leader: String
    /// What the sweep found (its shape is the poll scheduler's business).
    package var payload: JSONValue

    package init(sequence: Int, takenAt: Double, leader: String, payload: JSONValue) {
        self.sequence = sequence
        self.takenAt = takenAt
        self.leader = leader
        self.payload = payload
    }

    /// The snapshot as one JSON object.
    package var json: JSONValue {
        ["sequence": .number(JSONNumber(sequence)), "taken_at": .number(JSONNumber(takenAt)),
         "leader": .string(leader), "payload": payload]
    }

    /// Reads a snapshot from ``json``; nil when a field is missing.
    package init?(json: JSONValue) {
        guard let sequence = json["sequence"]?.intValue, let takenAt = json["taken_at"]?.doubleValue,
              let leader = json["leader"]?.stringValue, let payload = json["payload"] else { return nil }
        self.init(sequence: sequence, takenAt: takenAt, leader: leader, payload: payload)
    }
}
