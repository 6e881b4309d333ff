/// One JSON-RPC method: its wire name and the types of its params and result.
///
/// Declare one type per method, e.g. `enum StartRun: RPCMethod { static let name = "runs/start"; ... }`, and register
/// it with ``RPCRouter/register(_:_:)``; the router decodes `Params` (absent params as `{}`) and encodes `Result`.
public protocol RPCMethod: Sendable {
    /// What the method's params decode into; a decoding failure is answered with -32602 naming the field.
    associatedtype Params: Decodable & Sendable
    /// What a successful call returns.
    associatedtype Result: Encodable & Sendable
    /// The method's name on the wire, e.g. `runs/get`.
    static var name: String { get }
}
