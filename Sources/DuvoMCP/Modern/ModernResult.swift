import JSONCore

/// The fields every 2026-07-28 result carries: `resultType`, the server's identity in `_meta`, and, on cacheable
/// results, the caching hints.
enum ModernResult {
    /// How long a client may keep `tools/list` and `server/discover`: the tool list is fixed for the life of the
    /// process (options are read at start), so an hour is safe; a restarted server with other options is a new
    /// process, which a stdio client starts itself.
    static let cacheTTLMilliseconds = 3_600_000

    /// `result` as a `complete` 2026 result; `cacheable` adds `ttlMs` and `cacheScope` (`public`: nothing in these
    /// results depends on who asks).
    static func complete(_ result: JSONValue, serverVersion: String, cacheable: Bool = false) -> JSONValue {
        tagged(result, type: "complete", serverVersion: serverVersion, cacheable: cacheable)
    }

    /// `result` with `resultType` set to `type` and the server's identity in `_meta`.
    static func tagged(_ result: JSONValue, type: String, serverVersion: String, cacheable: Bool = false)
        -> JSONValue
    {
        var members = result.objectValue ?? [:]
        members["resultType"] = .string(type)
        var meta = members["_meta"]?.objectValue ?? [:]
        meta[ModernRequest.Key.serverInfo] = serverInfo(version: serverVersion)
        members["_meta"] = .object(meta)
        if cacheable {
            members["ttlMs"] = .int(cacheTTLMilliseconds)
            members["cacheScope"] = "public"
        }
        return .object(members)
    }

    /// The server's `Implementation` object.
    static func serverInfo(version: String) -> JSONValue {
        ["name": "duvo-bridge", "version": .string(version)]
    }
}
