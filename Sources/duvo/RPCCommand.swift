import ArgumentKit
import Diagnostics
import DuvoAPI
import DuvoCLI
import DuvoMCP
import DuvoServer
import Foundation
import JSONRPC
import Platform

/// `duvo rpc`: the bridge. JSON-RPC 2.0 (and MCP) on stdin/stdout, Duvo over HTTP.
enum RPCCommand {
    static let spec = Command(
        "rpc", abstract: "Serve JSON-RPC 2.0 and MCP on stdin/stdout, driving Duvo runs.",
        discussion: """
            Framing is detected from the client's first bytes: newline-delimited JSON (scripts, MCP) or LSP-style
            Content-Length headers (editors). Stdout carries protocol frames only; logs go to stderr.
            Call rpc.discover for the OpenRPC description of every method. The same process is an MCP server (tools
            for every run operation): a 2025 client's `initialize` opens a session, 2026-07-28 requests are served
            on their own `_meta`; --read-only, --tools and --exclude-tools choose the tools it offers.

            --simulate talks to the user's shared simulator (the one `duvo runs --simulate` uses, started when none
            runs), so processes started one per call see the same runs; --simulate=private starts one of its own.
            --simulate --webhooks local also starts a webhook receiver in this process on 127.0.0.1, so the runs it
            starts are followed by push (events), with no ingress.

            Example (no key, no network):
              echo '{"jsonrpc":"2.0","id":1,"method":"runs/list"}' | duvo rpc --simulate
            """,
        options: ConnectionOptions.options + MCPServer.options + [
            .value("framing", valueName: "auto|ndjson|lsp", help: "Force a framing instead of detecting it.",
                   environment: "DUVO_FRAMING", defaultValue: "auto"),
            .value("max-in-flight", valueName: "N", help: "Requests served at once; more wait (back-pressure).",
                   defaultValue: "4096"),
            .value("max-frame-bytes", valueName: "N", help: "Largest frame accepted; larger ones get an error.",
                   defaultValue: String(16 << 20)),
            .value("timeout", valueName: "S",
                   help: "Deadline of each call to Duvo in seconds, retries included (default 30).",
                   environment: "DUVO_TIMEOUT"),
        ])

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        let parsed: ParsedCommand
        let level: LogLevel
        var mcpOptions: MCPOptions
        do {
            switch try spec.parse(arguments, environment: environment) {
            case .help(let text):
                print(text, terminator: "")
                return 0
            case .command(let command): parsed = command
            }
            level = try ConnectionOptions.logLevel(parsed)
            mcpOptions = try MCPServer.options(from: parsed)
            mcpOptions.serverVersion = RootCommand.version
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return 2
        }
        // From here on, fd 1 is stderr: only the connection writes frames, to its own copy of stdout.
        let transport = StdioTransport.takingOverStandardStreams()
        let logger = Logger(label: "duvo rpc", level: level)
        let configuration: RPCConnection.Configuration
        let endpoint: ConnectionOptions.Endpoint
        do {
            configuration = try connectionConfiguration(parsed)
            // Processes started one per call (some MCP clients do that) see the same runs through the shared one.
            endpoint = try await ConnectionOptions.resolve(parsed, sharedSimulatorWith: environment,
                                                           executablePath: ProcessStreams.executablePath,
                                                           timeout: parsed.value("timeout"), logger: logger)
        } catch let error as DuvoAPIError {
            logger.error(error.message)
            return 2
        } catch {
            logger.error("\(error)")
            return 2
        }
        if endpoint.client.configuration.apiKey == nil {
            logger.warning("no API key configured: rpc.discover works, Duvo methods will explain how to set one")
        }
        let server = BridgeServer(transport: transport, client: endpoint.client, coordination: endpoint.coordination,
                                  tuning: endpoint.pollTuning, mcp: mcpOptions, configuration: configuration,
                                  logger: logger, webhooks: endpoint.webhooks)
        let signals = SignalTrap([.terminate, .interrupt]) { signal in
            logger.info("signal \(signal): shutting down")
            Task { await server.beginShutdown() }
        }
        let reason = await server.run()
        signals.cancel()
        await endpoint.receiver?.stop()
        endpoint.simulator?.stop()
        logger.debug("stopped: \(reason)")
        if case .exit(afterShutdownRequest: false) = reason { return 1 }
        return 0
    }

    private static func connectionConfiguration(_ parsed: ParsedCommand) throws -> RPCConnection.Configuration {
        var configuration = RPCConnection.Configuration()
        switch parsed.value("framing") ?? "auto" {
        case "auto": configuration.framing = nil
        case "ndjson", "newline": configuration.framing = .newlineDelimited
        case "lsp", "content-length": configuration.framing = .contentLength
        case let other:
            throw UsageError("option '--framing' must be auto, ndjson or lsp, not '\(other)'",
                             commandPath: parsed.commandPath)
        }
        if let limit = try parsed.int("max-in-flight") {
            guard limit > 0 else { throw UsageError("option '--max-in-flight' must be at least 1", commandPath: parsed.commandPath) }
            configuration.maxInFlight = limit
        }
        if let bytes = try parsed.int("max-frame-bytes") {
            guard bytes >= 1024 else { throw UsageError("option '--max-frame-bytes' must be at least 1024", commandPath: parsed.commandPath) }
            configuration.maxFrameBytes = bytes
        }
        return configuration
    }
}
