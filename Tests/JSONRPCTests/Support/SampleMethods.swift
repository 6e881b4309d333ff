import JSONCore
import JSONRPC

/// The JSON-RPC 2.0 specification's `subtract`: positional `[minuend, subtrahend]` or named params.
enum Subtract: RPCMethod {
    static let name = "subtract"

    struct Params: Decodable, Sendable {
        let minuend: Int
        let subtrahend: Int

        private enum CodingKeys: String, CodingKey {
            case minuend, subtrahend
        }

        init(from decoder: any Decoder) throws {
            if var positional = try? decoder.unkeyedContainer() {
                minuend = try positional.decode(Int.self)
                subtrahend = try positional.decode(Int.self)
            } else {
                let named = try decoder.container(keyedBy: CodingKeys.self)
                minuend = try named.decode(Int.self, forKey: .minuend)
                subtrahend = try named.decode(Int.self, forKey: .subtrahend)
            }
        }
    }

    typealias Result = Int
}

/// A method shaped like the bridge's, to check that bad params are answered with -32602 naming the field.
enum LookUpRun: RPCMethod {
    static let name = "runs/get"

    struct Params: Codable, Sendable {
        let runID: String
        let limit: Int?
        let answers: [String]?

        private enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case limit, answers
        }
    }

    struct Result: Codable, Sendable {
        let runID: String
        let limit: Int?

        private enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case limit
        }
    }
}

/// A handler error that carries a secret, which must never reach the client.
struct LeakyError: Error, CustomStringConvertible {
    var description: String { "upstream said: Authorization: Bearer sk-secret-123" }
}

extension RPCRouter {
    /// The methods of the JSON-RPC 2.0 specification's examples, plus a few used across the tests.
    static func sample(notifications: AsyncQueue<String>? = nil) -> RPCRouter {
        var router = RPCRouter()
        router.register(Subtract.self) { params, _ in params.minuend - params.subtrahend }
        router.register(LookUpRun.self) { params, _ in .init(runID: params.runID, limit: params.limit) }
        router.register(name: "sum") { params, _ in
            .int((params?.arrayValue ?? []).compactMap(\.intValue).reduce(0, +))
        }
        router.register(name: "get_data") { _, _ in ["hello", 5] }
        router.register(name: "echo") { params, _ in params ?? .null }
        router.register(name: "fail/rpc") { _, _ in
            throw RPCError(code: RPCErrorCode(-31010), message: "Duvo is unreachable", data: ["http_status": 502])
        }
        router.register(name: "fail/leaky") { _, _ in throw LeakyError() }
        for name in ["update", "notify_hello", "notify_sum"] {
            router.onNotification(name: name) { _, _ in notifications?.push(name) }
        }
        return router
    }
}
