import Diagnostics
import DuvoAPI
import DuvoBridge
import DuvoMCP
import JSONRPC
import KeyCoordination
import RunWatching

/// The server of `duvo rpc`, assembled: the JSON-RPC methods and the MCP layer on one router, over one bridge (client,
/// poll scheduler, follows), served by one connection on any byte transport.
///
/// This is the one place the server is put together, so the executable (on stdio) and tests (on an in-memory pipe)
/// run the same server. The caller owns the process edge: signals, exit codes, the simulator it may have started.
package final class BridgeServer: Sendable {
    private let connection: RPCConnection
    private let bridge: Bridge

    /// A server reading and writing `transport`, calling Duvo through `client`, polling as `tuning` says and sharing
    /// sweeps with other processes through `coordination` (the one the client's budget was made with).
    package init(transport: some ByteInput & ByteOutput, client: DuvoClient, coordination: Coordination,
                tuning: PollTuning, mcp: MCPOptions, configuration: RPCConnection.Configuration, logger: Logger,
                webhooks: Webhooks? = nil) {
        let bridge = Bridge(client: client, coordination: coordination, tuning: tuning, logger: logger,
                            webhooks: webhooks)
        var router = RPCRouter()
        MethodTable.register(into: &router, bridge: bridge)
        MCPServer.register(into: &router, bridge: bridge, options: mcp)
        self.bridge = bridge
        connection = RPCConnection(input: transport, output: transport, router: router, configuration: configuration,
                                   logger: logger)
    }

    /// Serves until the client goes away, asks to exit, or ``beginShutdown()`` is called; every follow is ended
    /// (`runs/followEnded` with reason `shutdown`) before it returns.
    /// - Important: Call it once.
    package func run() async -> RPCConnection.StopReason {
        let bridge = self.bridge
        await connection.onShutdown { await bridge.shutdown() }
        return await connection.run()
    }

    /// Starts a clean shutdown: what is in flight is answered or cancelled, then ``run()`` returns `.shutdown`.
    package func beginShutdown() async {
        await connection.beginShutdown()
    }
}
