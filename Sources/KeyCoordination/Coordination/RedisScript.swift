import Synchronization

/// A Lua script run with `EVALSHA`, loaded with `SCRIPT LOAD` on first use and again when the server forgot it
/// (a restart, `SCRIPT FLUSH`).
final class RedisScript: Sendable {
    private let source: String
    private let sha = Mutex<String?>(nil)

    init(_ source: String) {
        self.source = source
    }

    /// Runs the script with `keys` and `arguments`; a server error comes back as ``CoordinationError``.
    func run(on client: RESPClient, keys: [String], arguments: [String]) async throws(CoordinationError) -> RESPValue {
        let digest: String
        if let known = sha.withLock({ $0 }) {
            digest = known
        } else {
            digest = try await load(on: client)
        }
        let call = [String(keys.count)] + keys + arguments
        var reply = try await client.run(["EVALSHA", digest] + call)
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            reply = try await client.run(["EVALSHA", try await load(on: client)] + call)
        }
        if case .error(let message) = reply {
            throw .redis(endpoint: client.endpoint.description,
                         reason: "EVALSHA: the script failed: \(RESPValue.printable(message, limit: 120))")
        }
        return reply
    }

    private func load(on client: RESPClient) async throws(CoordinationError) -> String {
        let reply = try await client.run(["SCRIPT", "LOAD", source])
        guard case .bulk = reply, let digest = reply.text else {
            throw .redis(endpoint: client.endpoint.description, reason: "SCRIPT LOAD answered \(reply.summary)")
        }
        sha.withLock { $0 = digest }
        return digest
    }
}
