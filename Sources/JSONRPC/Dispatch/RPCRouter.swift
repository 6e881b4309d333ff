import JSONCore

/// The table from method names to handlers: built once at start-up, then shared, immutable, by the connection.
///
/// Errors a handler throws are answered as follows: an ``RPCError`` as is; a `CancellationError`, or any error
/// thrown once the call was cancelled, as -32800; anything else as a generic -32603 (its text is logged at debug
/// level, never sent, since it may hold secrets: map errors to ``RPCError`` where they happen).
public struct RPCRouter: Sendable {
    /// A handler taking raw params (`nil` when absent) and returning the raw result.
    public typealias RequestHandler = @Sendable (JSONValue?, RPCRequestContext) async throws -> JSONValue
    /// A notification handler; what it throws is logged at debug level.
    public typealias NotificationHandler = @Sendable (JSONValue?, RPCRequestContext) async throws -> Void
    /// A handler for requests whose method has no entry: it gets the method name too.
    public typealias FallbackHandler = @Sendable (String, JSONValue?, RPCRequestContext) async throws -> JSONValue

    private var requests: [String: RequestHandler] = [:]
    private var notifications: [String: NotificationHandler] = [:]

    /// Answers requests for unregistered methods; `nil` (the default) answers -32601 naming the method.
    public var fallback: FallbackHandler?

    /// Methods whose requests are answered even when cancelled with `notifications/cancelled` (MCP's
    /// `subscriptions/listen`, whose cancellation is how a client ends the stream and whose answer says it ended
    /// cleanly). Every other request cancelled that way gets no answer.
    public var answeredWhenCancelled: Set<String> = []

    /// An empty table.
    public init() {}

    /// Registers a typed method: params are decoded into `M.Params` (absent params as `{}`), the result encoded.
    ///
    /// Registering a name again replaces the earlier handler.
    public mutating func register<M: RPCMethod>(
        _ method: M.Type, _ handler: @escaping @Sendable (M.Params, RPCRequestContext) async throws -> M.Result
    ) {
        requests[M.name] = { params, context in
            let typed = try Self.decodeParams(params, as: M.Params.self)
            let result = try await handler(typed, context)
            if let raw = result as? JSONValue { return raw }
            do {
                return try JSONValue(encoding: result)
            } catch {
                context.logger.debug("the result of '\(M.name)' could not be encoded: \(error)")
                throw RPCError.internalError("The result of '\(M.name)' could not be encoded")
            }
        }
    }

    /// Registers a method that takes and returns raw JSON (params are `nil` when absent).
    public mutating func register(name: String, handler: @escaping RequestHandler) {
        requests[name] = handler
    }

    /// Registers a notification handler. Notifications without one are ignored, as JSON-RPC requires.
    ///
    /// - Note: `$/cancelRequest`, `notifications/cancelled` and `exit` are handled by the connection itself.
    public mutating func onNotification(name: String, handler: @escaping NotificationHandler) {
        notifications[name] = handler
    }

    /// The names of the registered request methods, sorted (to check `rpc.discover` against the table).
    public var methodNames: [String] { requests.keys.sorted() }

    /// The names of the notifications with a handler, sorted.
    public var notificationNames: [String] { notifications.keys.sorted() }

    /// Whether `method` has a request handler of its own (the fallback not counted).
    public func handlesRequest(_ method: String) -> Bool { requests[method] != nil }

    /// Whether `method` has a notification handler.
    public func handlesNotification(_ method: String) -> Bool { notifications[method] != nil }

    /// Runs the handler for a request and returns its result.
    /// - Throws: ``RPCError``, already mapped as the type's documentation says.
    public func handle(_ method: String, params: JSONValue?, context: RPCRequestContext) async throws(RPCError)
        -> JSONValue
    {
        do {
            if let handler = requests[method] {
                return try await handler(params, context)
            }
            if let fallback {
                return try await fallback(method, params, context)
            }
            throw RPCError.methodNotFound(method)
        } catch {
            throw Self.mapError(error, method: method, context: context)
        }
    }

    /// Runs the handler for a notification, if there is one; errors are logged, never answered.
    public func deliver(notification method: String, params: JSONValue?, context: RPCRequestContext) async {
        guard let handler = notifications[method] else { return }
        do {
            try await handler(params, context)
        } catch {
            context.logger.debug("notification '\(method)' failed: \(error)")
        }
    }

    /// Decodes params into a method's type; absent params decode as `{}`.
    /// - Throws: ``RPCError`` -32602 naming the field when they do not fit.
    public static func decodeParams<P: Decodable>(_ params: JSONValue?, as type: P.Type) throws(RPCError) -> P {
        let value = params ?? .object([:])
        if let raw = value as? P { return raw }
        do {
            return try value.decode(P.self)
        } catch let error as DecodingError {
            throw RPCError(decoding: error)
        } catch {
            throw RPCError.invalidParams("Invalid params")
        }
    }

    private static func mapError(_ error: any Error, method: String, context: RPCRequestContext) -> RPCError {
        if error is CancellationError || Task.isCancelled { return .cancelled }
        if let error = error as? RPCError { return error }
        context.logger.debug("'\(method)' failed with an unmapped error: \(error)")
        return .internalError("Internal error while handling '\(method)'")
    }
}
