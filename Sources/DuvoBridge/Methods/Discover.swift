import JSONCore
import JSONRPC

/// `rpc.discover`: the OpenRPC document describing every method, the very text of `schema/openrpc.json`.
enum Discover: BridgeMethod {
    static let name = "rpc.discover"
    static let traits = MethodTraits.read
    static let toolName: String? = nil
    typealias Params = NoParams

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
    {
        do {
            return .document(try OpenRPCDocument.value())
        } catch {
            throw .internal(error.message)
        }
    }
}
