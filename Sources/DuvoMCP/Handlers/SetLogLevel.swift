import JSONCore
import JSONRPC

/// `logging/setLevel`: the least severe level the client wants as `notifications/message` from now on.
enum SetLogLevel: RPCMethod {
    static let name = "logging/setLevel"

    struct Params: Decodable, Sendable {
        let level: String
        let meta: JSONValue?

        enum CodingKeys: String, CodingKey {
            case level, meta = "_meta"
        }
    }

    typealias Result = JSONValue

    /// - Throws: ``RPCError`` -32602 naming `level` when it is not one of the eight syslog levels; -32601 for a
    ///   2026-07-28 request, which has no such method (its log level is per request, in `_meta`).
    static func handle(_ params: Params, session: MCPSession) async throws(RPCError) -> JSONValue {
        if try ModernRequest.read(meta: params.meta) != nil {
            throw RPCError(code: .methodNotFound, message: "logging/setLevel is not part of MCP 2026-07-28: put "
                + "\(ModernRequest.Key.logLevel) in each request's _meta instead")
        }
        guard let level = MCPLogLevel(rawValue: params.level) else {
            throw RPCError.invalidParams("unknown log level '\(params.level)'; use one of \(MCPLogLevel.names)",
                                         field: "level")
        }
        await session.setLogLevel(level)
        return [:]
    }
}
