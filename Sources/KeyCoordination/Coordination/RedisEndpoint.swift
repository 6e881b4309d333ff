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
    /// - Throws: ``RedisEndpointError`` naming what is wrong, without repeating any part of the URL (a password with
    ///   a `/` or `@` left unencoded spills into what would be the host, port or database).
    package init(url text: String) throws(RedisEndpointError) {
        try Self.refuseUnencodedUserinfo(text)
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
                throw RedisEndpointError(reason: "the database (the path after host:port) is not a number")
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

    /// Refuses a URL with an `@` the userinfo cannot end at: a second `@` before the host, or one after a `/`, `?` or
    /// `#` that ends the authority. Either means a user or password with such a character left unencoded, whose rest
    /// would be taken for the host, port or database, and the password was not registered for redaction yet.
    private static func refuseUnencodedUserinfo(_ text: String) throws(RedisEndpointError) {
        guard let scheme = text.range(of: "://") else { return }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard rest[..<authorityEnd].filter({ $0 == "@" }).count > 1 || rest[authorityEnd...].contains("@") else {
            return
        }
        throw RedisEndpointError(reason: "a '/', '?', '#' or '@' in the user or password must be percent-encoded "
            + "(%2F, %3F, %23, %40)")
    }

    /// `redis://host:port/db` (or `rediss://`), with any credentials left out.
    package var description: String { "\(tls ? "rediss" : "redis")://\(host):\(port)/\(database)" }
}

/// A `--coordination`/`DUVO_COORDINATION` Redis URL that cannot be used.
package struct RedisEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    package let reason: String
    package var description: String { "the coordination URL is not usable: \(reason)" }
}
