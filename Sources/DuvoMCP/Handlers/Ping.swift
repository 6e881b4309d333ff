import JSONCore
import JSONRPC

/// `ping`: answers `{}` so either side can check the other is alive.
enum Ping: RPCMethod {
    static let name = "ping"
    typealias Params = JSONValue
    typealias Result = JSONValue
}
