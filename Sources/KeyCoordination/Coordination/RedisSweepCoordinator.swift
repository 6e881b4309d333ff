import JSONCore

/// Sweep leadership and results in Redis, for processes on every machine that names the same Redis.
///
/// The lease is a key taken with `SET NX PX` and renewed or released by scripts that first compare its value with
/// this process's token, so a process never extends or deletes a lease another one took after its own expired.
/// Results are a hash (`sequence`, `taken_at`, `leader`, `payload`) replaced by one `HSET`.
package final class RedisSweepCoordinator: SweepCoordinator {
    private let client: RESPClient
    private let leaseKey: String
    private let resultsKey: String
    private let token: String

    /// The lease and results for `name` (a ``RuntimeDirectory/keyedName(_:)`` of key, base URL and team).
    package init(client: RESPClient, name: String, participant: String) {
        self.client = client
        leaseKey = "duvo:{\(name)}:sweep:lease"
        resultsKey = "duvo:{\(name)}:sweep:results"
        token = participant
    }

    package var label: String { "the sweep lease in \(client.endpoint)" }

    package func acquireOrRenew(lifetime: Double) async throws(CoordinationError) -> Bool {
        let milliseconds = String(max(1, Int(lifetime * 1000)))
        let taken = try await client.run(["SET", leaseKey, token, "NX", "PX", milliseconds])
        if case .simple("OK") = taken { return true }
        try check(taken)
        let renewed = try await Self.renew.run(on: client, keys: [leaseKey], arguments: [token, milliseconds])
        return renewed == .integer(1)
    }

    package func release() async throws(CoordinationError) {
        _ = try await Self.release.run(on: client, keys: [leaseKey], arguments: [token])
    }

    package func publish(_ snapshot: SweepSnapshot) async throws(CoordinationError) {
        let payload = String(decoding: JSONWriter().bytes(snapshot.payload), as: UTF8.self)
        try check(try await client.run(["HSET", resultsKey, "sequence", String(snapshot.sequence),
                                        "taken_at", String(snapshot.takenAt), "leader", snapshot.leader,
                                        "payload", payload]))
        try check(try await client.run(["PEXPIRE", resultsKey, "3600000"]))
    }

    package func latest() async throws(CoordinationError) -> SweepSnapshot? {
        let reply = try await client.run(["HGETALL", resultsKey])
        try check(reply)
        guard case .array(let items?) = reply, !items.isEmpty else { return nil }
        var fields: [String: String] = [:]
        var index = 0
        while index + 1 < items.count {
            if let name = items[index].text { fields[name] = items[index + 1].text }
            index += 2
        }
        guard let sequence = fields["sequence"].flatMap({ Int($0) }),
              let takenAt = fields["taken_at"].flatMap({ Double($0) }), let leader = fields["leader"],
              let payloadText = fields["payload"] else {
            throw .redis(endpoint: client.endpoint.description, reason: "HGETALL: incomplete sweep results")
        }
        do {
            return SweepSnapshot(sequence: sequence, takenAt: takenAt, leader: leader,
                                 payload: try JSONParser().parse(payloadText))
        } catch {
            throw .redis(endpoint: client.endpoint.description, reason: "HGETALL: unreadable sweep results")
        }
    }

    private func check(_ reply: RESPValue) throws(CoordinationError) {
        if case .error(let message) = reply {
            throw .redis(endpoint: client.endpoint.description, reason: RESPValue.printable(message, limit: 120))
        }
    }

    /// Extends the lease only when this process still holds it.
    private static let renew = RedisScript(#"""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """#)

    /// Deletes the lease only when this process still holds it.
    private static let release = RedisScript(#"""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """#)
}
