import JSONCore
import JSONRPC

/// A Duvo operation exposed as a JSON-RPC method (and, through the same table, as an MCP tool).
protocol BridgeMethod: RPCMethod where Result == JSONValue {
    /// What the method may do, for MCP's tool annotations.
    static var traits: MethodTraits { get }
    /// The method's name as an MCP tool, or nil when it is not offered as one (follows need notifications).
    static var toolName: String? { get }
    /// Performs the method; ``MethodTable`` writes the typed result out as the JSON-RPC result.
    /// - Throws: only ``BridgeFailure``; ``MethodTable`` alone turns it into the documented JSON-RPC error.
    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
}

/// What a method does to the world, as MCP's tool annotations describe it.
public struct MethodTraits: Sendable, Hashable {
    /// Only reads (and waits); changes nothing.
    public var readOnly: Bool
    /// May end something irreversibly (stopping a run).
    public var destructive: Bool
    /// Calling it twice with the same arguments has the effect of calling it once.
    public var idempotent: Bool

    /// A read: read-only and idempotent.
    public static let read = MethodTraits(readOnly: true, destructive: false, idempotent: true)
    /// A change that adds something each time (start, send, respond).
    public static let write = MethodTraits(readOnly: false, destructive: false, idempotent: false)
}
