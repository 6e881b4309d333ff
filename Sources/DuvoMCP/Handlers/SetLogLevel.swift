import JSONCore
import JSONRPC

/// `logging/setLevel`: the least severe level the client wants as `notifications/message` from now on.
enum SetLogLevel: RPCMethod {
    static let name = "logging/setLevel"

    struct Params: Decodable, Sendable {
        let level: String
    }

    typealias Result = JSONValue

    /// - Throws: ``RPCError`` -32602 naming `level` when it is not one of the eight syslog levels.
    static func handle(_ params: Params, session: MCPSession) async throws(RPCError) -> JSONValue {
        guard let level = MCPLogLevel(rawValue: params.level) else {
            throw RPCError.invalidParams("unknown log level '\(params.level)'; use one of \(MCPLogLevel.names)",
                                         field: "level")
        }
        await session.setLogLevel(level)
        return [:]
    }
}
