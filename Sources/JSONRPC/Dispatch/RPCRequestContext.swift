import Diagnostics

/// What a handler knows about the call it is serving, and the way back to the client.
public struct RPCRequestContext: Sendable {
    /// The request's id; `nil` for a notification.
    public var id: RPCRequestID?
    /// The method called.
    public var method: String
    /// The connection, to send notifications (`notify`) and server->client requests (`sendRequest`) during the call.
    public var connection: RPCConnection
    /// The framing the client uses (LSP-style clients and MCP clients differ in more than framing).
    public var framing: Framing
    /// The connection's logger; never log params or results, which can carry secrets.
    public var logger: Logger

    /// A context; the connection makes these, and layers that call a router directly (MCP tools) can too.
    public init(id: RPCRequestID?, method: String, connection: RPCConnection, framing: Framing, logger: Logger) {
        self.id = id
        self.method = method
        self.connection = connection
        self.framing = framing
        self.logger = logger
    }
}
