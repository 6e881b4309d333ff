import JSONCore
import JSONRPC

/// `tools/list`: every tool this server offers (one page: there are few).
enum ListTools: RPCMethod {
    static let name = "tools/list"

    struct Params: Decodable, Sendable {
        let cursor: String?
    }

    typealias Result = JSONValue

    /// - Throws: ``RPCError`` -32602 for a cursor, since the list has only one page and no cursor was handed out.
    static func handle(_ params: Params, catalog: ToolCatalog, session: MCPSession) async throws(RPCError)
        -> JSONValue
    {
        if let cursor = params.cursor {
            throw RPCError.invalidParams("invalid cursor '\(cursor.prefix(40))': tools/list has a single page",
                                         field: "cursor")
        }
        let revision = await session.effectiveRevision
        return ["tools": .array(catalog.enabled.map { $0.json(revision: revision) })]
    }
}
