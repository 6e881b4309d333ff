import JSONCore
import JSONRPC

/// `server/discover` (2026-07-28): the revisions served, capabilities, identity and instructions, cacheable.
///
/// Every revision served is listed, the handshake ones included, so a dual-era client sees it may use either.
enum Discover: RPCMethod {
    static let name = "server/discover"
    typealias Params = JSONValue
    typealias Result = JSONValue

    /// - Throws: ``RPCError`` -32602 when `_meta` lacks the required fields, -32022 for a revision not served.
    static func handle(_ params: JSONValue, options: MCPOptions, catalog: ToolCatalog) throws(RPCError) -> JSONValue {
        _ = try ModernRequest.require(meta: params["_meta"], method: name)
        var capabilities: JSONValue = ["tools": ["listChanged": false], "logging": [:]]
        if catalog.offersTasks {
            capabilities["extensions"] = [ClientCapabilities.tasksExtension: [:]]
        }
        let result: JSONValue = [
            "supportedVersions": .array(ProtocolRevision.served.map(JSONValue.string)),
            "capabilities": capabilities,
            "instructions": .string(Initialize.instructions(offering: Set(catalog.enabled.map(\.name)))),
        ]
        return ModernResult.complete(result, serverVersion: options.serverVersion, cacheable: true)
    }
}
