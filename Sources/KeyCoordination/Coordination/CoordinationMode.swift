/// How processes on one key share its budget and sweeps (`--coordination`, `DUVO_COORDINATION`).
package enum CoordinationMode: Sendable, Hashable, CustomStringConvertible {
    /// Every process for itself (`off`): its own budget, its own sweeps.
    case off
    /// The processes of this user on this machine meet in the runtime directory (the default, `local`).
    case runtimeDirectory
    /// Processes on every machine meet in Redis (`redis://[[user]:password@]host:port/db`, `rediss://` for TLS),
    /// falling back to the runtime directory while Redis is unreachable or misbehaves.
    case redis(RedisEndpoint)

    /// Parses the option's value: unset or empty or `local` is the runtime directory, `off`, or a `redis://` or
    /// `rediss://` URL.
    /// - Throws: ``RedisEndpointError`` for anything else (its text never repeats a password).
    package init(parsing text: String?) throws(RedisEndpointError) {
        switch text?.lowercased() {
        case nil, "", "local": self = .runtimeDirectory
        case "off": self = .off
        default:
            guard let text, text.lowercased().hasPrefix("redis://") || text.lowercased().hasPrefix("rediss://") else {
                throw RedisEndpointError(reason: "expected off, local, redis://host:port/db or rediss://host:port/db "
                    + "(TLS)")
            }
            self = .redis(try RedisEndpoint(url: text))
        }
    }

    package var description: String {
        switch self {
        case .off: "off"
        case .runtimeDirectory: "local"
        case .redis(let endpoint): endpoint.description
        }
    }
}
