import JSONCore
import JSONRPC

/// The one table of the bridge's methods. The JSON-RPC router, `rpc.discover`'s consistency test and the MCP tools
/// are all derived from it; there is no second list.
public enum MethodTable {
    static let methods: [any BridgeMethod.Type] = [
        StartRun.self, GetRun.self, ListMessages.self, SendMessage.self, RespondToHumanRequest.self, StopRun.self,
        ListRuns.self, WaitForRun.self, FollowRun.self, UnfollowRun.self, RunStats.self, Discover.self,
    ]

    /// Every method's wire name, in table order.
    public static var names: [String] { methods.map { $0.name } }

    /// What a method does to the world, by name.
    public static func traits(of name: String) -> MethodTraits? {
        methods.first { $0.name == name }?.traits
    }

    /// Registers every method on `router`, each answering through `bridge`.
    public static func register(into router: inout RPCRouter, bridge: Bridge) {
        for (name, handler) in handlers {
            router.register(name: name) { params, context in try await handler(params, bridge, context) }
        }
    }

    /// A method's adapter with its type bound: raw params in, raw result out.
    private typealias Handler = @Sendable (JSONValue?, Bridge, RPCRequestContext) async throws(RPCError) -> JSONValue

    /// Every method's adapter by wire name, so that a call is one lookup.
    private static let handlers: [String: Handler] = Dictionary(
        uniqueKeysWithValues: methods.map { method in (method.name, handler(for: method)) })

    private static func handler<M: BridgeMethod>(for method: M.Type) -> Handler {
        { params, bridge, context throws(RPCError) in
            try await run(M.self, params: params, bridge: bridge, context: context).json
        }
    }

    /// The adapter every method runs through, and the only place a ``BridgeFailure`` becomes an ``RPCError``.
    static func run<M: BridgeMethod>(_ method: M.Type, params: JSONValue?, bridge: Bridge,
                                             context: RPCRequestContext) async throws(RPCError) -> MethodResult
    {
        let decoded = try decode(M.Params.self, from: params)
        do {
            return try await M.handle(decoded, bridge: bridge, context: context)
        } catch {
            throw RPCError(error)
        }
    }

    /// Decodes named params, rejecting fields the method does not know (MCP's `_meta` excepted).
    static func decode<P: Decodable>(_ type: P.Type, from params: JSONValue?) throws(RPCError) -> P {
        var object: [String: JSONValue] = [:]
        switch params {
        case nil, .null?: break
        case .object(let members)?: object = members
        default: throw RPCError.invalidParams("params must be an object of named fields", field: nil)
        }
        object["_meta"] = nil
        if let known = (P.self as? any BridgeParams.Type)?.fieldNames {
            // Sorted only when something is unknown (so the first one is named deterministically), not per call.
            if !object.keys.allSatisfy(known.contains),
               let first = object.keys.sorted().first(where: { !known.contains($0) })
            {
                let unknown = String(first.prefix(80))  // a name from outside, echoed clipped
                let expected = known.filter { !$0.isEmpty }
                let hint = expected.isEmpty ? "it takes no params" : "expected: \(expected.joined(separator: ", "))"
                throw RPCError.invalidParams("unknown field '\(unknown)'; \(hint)", field: unknown)
            }
        }
        do {
            return try JSONValue.object(object).decode(P.self)
        } catch let error as DecodingError {
            throw RPCError(decoding: error)
        } catch {
            throw RPCError.invalidParams("params could not be read", field: nil)
        }
    }
}

extension MethodTable {
    /// A method offered as an MCP tool: its tool name, wire name and traits.
    public struct Tool: Sendable {
        /// The tool's name, e.g. `duvo_get_run`.
        public let name: String
        /// The JSON-RPC method it runs, e.g. `runs/get`.
        public let method: String
        /// What it does to the world (for the tool's annotations).
        public let traits: MethodTraits
        /// Runs the method with the tool's arguments as its params (the translation of the JSON-RPC front door,
        /// which the tool shares), answering through `bridge` with the typed result.
        package let run: @Sendable (JSONValue?, Bridge, RPCRequestContext) async throws(RPCError) -> MethodResult
    }

    /// Every method offered as an MCP tool, in table order.
    public static var tools: [Tool] {
        methods.compactMap { method in
            method.toolName.map { name in
                Tool(name: name, method: method.name, traits: method.traits) { params, bridge, context throws(RPCError) in
                    try await run(method, params: params, bridge: bridge, context: context)
                }
            }
        }
    }
}
