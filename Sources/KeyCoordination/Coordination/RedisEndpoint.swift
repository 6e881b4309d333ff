import Foundation

/// Where Redis is: `redis://[[user]:password@]host[:port][/db]`, or `rediss://...` for TLS, parsed once. Its
/// description never holds the password.
package struct RedisEndpoint: Sendable, Hashable, CustomStringConvertible {
    package let host: String
    /// Whether the connection is TLS (`rediss://`).
    package let tls: Bool
    package let port: Int
    package let database: Int
    /// The ACL user, when the URL names one (`AUTH user password`); else the password alone is sent (`AUTH password`).
    package let user: String?
    /// The password (secret: redact it from logs).
    package let password: String?

    /// Parses a `redis://` or `rediss://` URL.
    /// - Throws: ``RedisEndpointError`` naming what is wrong, without repeating the password.
    package init(url text: String) throws(RedisEndpointError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "redis" || scheme == "rediss" else {
            throw RedisEndpointError(reason: "expected redis://host:port/db, or rediss:// for TLS")
        }
        tls = scheme == "rediss"
        guard let host = components.host, !host.isEmpty else {
            throw RedisEndpointError(reason: "the URL names no host")
        }
        self.host = host
        port = components.port ?? 6379
        guard (1...65535).contains(port) else { throw RedisEndpointError(reason: "the port is out of range") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        if path.isEmpty {
            database = 0
        } else {
            guard let number = Int(path), number >= 0 else {
                throw RedisEndpointError(reason: "the database '\(path)' is not a number")
            }
            database = number
        }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }
        self.user = (user?.isEmpty ?? true) ? nil : user
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        percentEncodedPassword = components.percentEncodedPassword
    }

    /// The password as the URL spells it (also a secret to redact).
    package let percentEncodedPassword: String?

    /// `redis://host:port/db` (or `rediss://`), with any credentials left out.
    package var description: String { "\(tls ? "rediss" : "redis")://\(host):\(port)/\(database)" }
}

/// A `--coordination`/`DUVO_COORDINATION` Redis URL that cannot be used.
package struct RedisEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    package let reason: String
    package var description: String { "the coordination URL is not usable: \(reason)" }
}
