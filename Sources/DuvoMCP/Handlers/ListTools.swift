import JSONCore
import JSONRPC

/// `tools/list`: every tool this server offers (one page: there are few), in the method table's fixed order.
///
/// On 2026-07-28 the list is cacheable (`ttlMs`, `cacheScope: public`): it is the same for every request and client
/// of this process.
enum ListTools: RPCMethod {
    static let name = "tools/list"

    struct Params: Decodable, Sendable {
        let cursor: String?
        let meta: JSONValue?

        enum CodingKeys: String, CodingKey {
            case cursor, meta = "_meta"
        }
    }

    typealias Result = JSONValue

    /// - Throws: ``RPCError`` -32602 for a cursor, since the list has only one page and no cursor was handed out;
    ///   the errors of ``ModernRequest/read(meta:)``.
    static func handle(_ params: Params, catalog: ToolCatalog, session: MCPSession, serverVersion: String)
        async throws(RPCError) -> JSONValue
    {
        let modern = try ModernRequest.read(meta: params.meta)
        if let cursor = params.cursor {
            throw RPCError.invalidParams("invalid cursor '\(cursor.prefix(40))': tools/list has a single page",
                                         field: "cursor")
        }
        guard let modern else {
            let revision = await session.effectiveRevision
            return ["tools": .array(catalog.enabled.map { $0.json(revision: revision) })]
        }
        let tools = JSONValue.array(catalog.enabled.map { $0.json(revision: modern.revision) })
        return ModernResult.complete(["tools": tools], serverVersion: serverVersion, cacheable: true)
    }
}
