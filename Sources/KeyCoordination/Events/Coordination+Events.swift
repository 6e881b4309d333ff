import Diagnostics
import DuvoHTTP

extension Coordination {
    /// The event bus of the key `secret` for `mode`: Redis's when the mode names Redis, else the runtime
    /// directory's; nil when coordination is off (no process shares anything).
    ///
    /// Named for the key alone, not the base URL: the receiver is told only the key, and a hint for a run nobody
    /// here follows costs nothing.
    /// - Throws: ``RuntimeDirectoryError`` when the runtime directory is missing and cannot be made, or is not this
    ///   user's alone; ``CoordinationError`` when the bus's folder in it cannot be used.
    package static func eventBus(mode: CoordinationMode, secret: String, environment: [String: String],
                                 tls: TLSConfiguration = .system, logger: Logger) throws -> (any EventBus)? {
        let keyName = RuntimeDirectory.keyedName(secret, "webhooks")
        switch mode {
        case .off:
            return nil
        case .runtimeDirectory:
            return try DirectoryEventBus(directory: try RuntimeDirectory.current(environment: environment),
                                         keyName: keyName)
        case .redis(let endpoint):
            let secrets = [endpoint.password, endpoint.percentEncodedPassword].compactMap { $0 }
            for secret in secrets where !secret.isEmpty { logger.redact(secret) }
            return RedisEventBus(client: RESPClient(endpoint: endpoint, tls: tls), keyName: keyName, tls: tls)
        }
    }
}
