import JSONCore
import JSONRPC

/// What a 2026-07-28 request says about its client in `_meta`: the revision, the capabilities and the log level it
/// wants for this one request. Nothing of it is remembered: the next request says it again.
struct ModernRequest: Sendable {
    /// The revision named in `_meta` (always one of ``ProtocolRevision/modern``).
    let revision: String
    /// The capabilities declared for this request.
    let capabilities: ClientCapabilities
    /// The client's `clientInfo.name`, for log lines.
    let clientName: String?
    /// The least severe level the client wants as `notifications/message` for this request; nil asks for none.
    let logLevel: MCPLogLevel?

    /// The reserved `_meta` keys of MCP 2026-07-28.
    enum Key {
        static let protocolVersion = "io.modelcontextprotocol/protocolVersion"
        static let clientCapabilities = "io.modelcontextprotocol/clientCapabilities"
        static let clientInfo = "io.modelcontextprotocol/clientInfo"
        static let logLevel = "io.modelcontextprotocol/logLevel"
        static let serverInfo = "io.modelcontextprotocol/serverInfo"
        static let subscriptionID = "io.modelcontextprotocol/subscriptionId"
    }

    /// The 2026 request whose params carry `meta` as `_meta`, or nil for a request of a 2025 session (no modern key
    /// in `_meta`).
    ///
    /// A request counts as modern once its `_meta` carries any `io.modelcontextprotocol/` client key, so a 2026
    /// client that forgot one of the required fields gets an error rather than being served as 2025.
    /// - Throws: ``RPCError`` -32602 for a missing or malformed field, -32022 for a revision not served.
    static func read(meta: JSONValue?) throws(RPCError) -> ModernRequest? {
        guard let meta = meta?.objectValue,
              meta[Key.protocolVersion] != nil || meta[Key.clientCapabilities] != nil || meta[Key.clientInfo] != nil
        else { return nil }
        return try parse(meta)
    }

    /// The 2026 request whose params carry `meta`, for methods only 2026 has (`server/discover`, `tasks/*`, ...).
    /// - Throws: ``RPCError`` -32602 when `_meta` lacks the required fields, -32022 for a revision not served.
    static func require(meta: JSONValue?, method: String) throws(RPCError) -> ModernRequest {
        guard let meta = meta?.objectValue else {
            throw RPCError.invalidParams("\(method) is a 2026-07-28 request: params._meta must carry "
                + "\(Key.protocolVersion) and \(Key.clientCapabilities)", field: "_meta")
        }
        return try parse(meta)
    }

    private static func parse(_ meta: [String: JSONValue]) throws(RPCError) -> ModernRequest {
        guard let version = meta[Key.protocolVersion] else {
            throw RPCError.invalidParams("_meta lacks \(Key.protocolVersion), required on every 2026-07-28 request",
                                         field: "_meta.\(Key.protocolVersion)")
        }
        guard let revision = version.stringValue else {
            throw RPCError.invalidParams("\(Key.protocolVersion) must be a string, not \(version.kindDescription)",
                                         field: "_meta.\(Key.protocolVersion)")
        }
        guard ProtocolRevision.modern.contains(revision) else { throw RPCError.unsupportedVersion(revision) }
        guard let capabilities = meta[Key.clientCapabilities] else {
            throw RPCError.invalidParams("_meta lacks \(Key.clientCapabilities), required on every 2026-07-28 "
                + "request ({} declares none)", field: "_meta.\(Key.clientCapabilities)")
        }
        guard capabilities.objectValue != nil else {
            throw RPCError.invalidParams("\(Key.clientCapabilities) must be an object, not "
                + capabilities.kindDescription, field: "_meta.\(Key.clientCapabilities)")
        }
        var level: MCPLogLevel?
        if let value = meta[Key.logLevel] {
            guard let name = value.stringValue, let known = MCPLogLevel(rawValue: name) else {
                throw RPCError.invalidParams("unknown log level \(value.jsonString.prefix(40)) in _meta; use one of "
                    + MCPLogLevel.names, field: "_meta.\(Key.logLevel)")
            }
            level = known
        }
        return ModernRequest(revision: revision, capabilities: ClientCapabilities(json: capabilities),
                             clientName: meta[Key.clientInfo]?["name"]?.stringValue, logLevel: level)
    }
}
