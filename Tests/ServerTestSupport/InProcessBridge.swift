import Diagnostics
import DuvoAPI
import DuvoMCP
import DuvoServer
import DuvoSimulator
import Foundation
import JSONCore
import JSONRPC
import RunWatching
import TestSupport

/// The server of `duvo rpc` in this process, on an in-memory pipe, against a simulator in this process on a free
/// loopback port (real HTTP): what `duvo rpc --simulate=private` assembles, without a process.
///
/// It offers the helpers of ``RPCPeer`` (``RPCPeer/call(_:_:timeout:)``, ``RPCPeer/frame(timeout:where:)``,
/// notifications), so a test body reads the same as against a child process.
package final class InProcessBridge: RPCPeer {
    /// How the test sets the server up; the defaults are those of `startBridge()`: the simulated clock at 50x and
    /// polls at a twentieth of normal.
    package struct Setup: Sendable {
        package var speed: Double = 50
        package var pollScale: Double = 0.05
        /// The most follows the server holds at once (``PollTuning/maxFollows``).
        package var maxFollows = PollTuning().maxFollows
        package var apiVersion: APIVersion = .v2
        /// The keys the simulator accepts, as `duvo sim --api-key` takes them (`KEY` or `KEY:TEAM1,TEAM2`); by
        /// default one drawn at random.
        package var simulatorKeys: [String]?
        /// The simulator's teams.
        package var simulatorTeams = [DefaultCredentials.team]
        /// The key the server calls with: the one drawn for the simulator when nil.
        package var key: String?
        /// A server with no key configured, as `duvo rpc` without `DUVO_API_KEY`.
        package var withoutKey = false
        /// The team the server names (`DUVO_TEAM_ID`).
        package var team: String? = DefaultCredentials.team
        /// The framing the client writes; the server detects it.
        package var framing: Framing = .newlineDelimited
        package var connection = RPCConnection.Configuration()
        package var mcp = MCPOptions()
        /// Requests per key per minute: the simulator's limit and the server's own budget, as `duvo sim --rate-limit`
        /// and `duvo rpc --rate-limit` take them (the budget is the process's own, as with `--coordination off`).
        package var rateLimit = DuvoConfiguration.defaultRateLimitPerMinute
        /// How much the server and the simulator log, each to a file of its own (``serverLog``, ``simulatorLog``).
        package var logLevel = LogLevel.error
        /// Duvo at this base URL instead of the simulator (a stand-in answering one exact way).
        package var upstream: String?

        package init() {}

        /// The server's polling: faster by ``pollScale``, bounded by ``maxFollows``.
        var tuning: PollTuning {
            var tuning = PollTuning(scale: pollScale)
            tuning.maxFollows = maxFollows
            return tuning
        }
    }

    package let log: FrameLog
    /// The simulator the server talks to.
    package let simulator: Simulator
    /// The simulator's address.
    package let baseURL: String
    /// The key the server uses (unless set up without one): the simulator's own unless the setup names another.
    package let apiKey: String
    private let logs: LogFiles
    private let client: InMemoryClient
    private let stopReason: Locked<RPCConnection.StopReason?>
    private let reading: Task<Void, Never>
    private let server: BridgeServer

    /// Starts the simulator and the server.
    /// - Throws: when the simulator cannot listen.
    package init(_ setup: Setup = Setup()) throws {
        let drawn = Credentials.randomKey()
        apiKey = setup.key ?? drawn
        let logs = try LogFiles()
        self.logs = logs
        let simulator = try Simulator(configuration: SimulatorConfiguration(
            host: "127.0.0.1", port: 0,
            credentials: try Credentials(apiKeys: setup.simulatorKeys ?? [drawn], teams: setup.simulatorTeams),
            rateLimitPerMinute: setup.rateLimit, speed: setup.speed,
            logger: Logger(label: "duvo sim", level: setup.logLevel, fd: logs.simulator.fileDescriptor)))
        baseURL = try simulator.start()
        self.simulator = simulator
        guard let url = URL(string: setup.upstream ?? baseURL) else {
            simulator.stop()
            throw Simulator.UnusableAddress(address: baseURL)
        }
        let configuration = DuvoConfiguration(apiKey: setup.withoutKey ? nil : APIKey(apiKey), baseURL: url,
                                              apiVersion: setup.apiVersion, teamID: setup.team,
                                              rateLimitPerMinute: setup.rateLimit)
        let logger = Logger(label: "duvo rpc", level: setup.logLevel, fd: logs.server.fileDescriptor)
        let (transport, client) = InMemoryTransport.pair(framing: setup.framing)
        let server = BridgeServer(transport: transport,
                                  client: DuvoClient(configuration: configuration, logger: logger), coordination: .off,
                                  tuning: setup.tuning, mcp: setup.mcp,
                                  configuration: setup.connection, logger: logger)
        let log = FrameLog(framing: setup.framing)
        self.log = log
        self.client = client
        self.server = server
        let stopReason = Locked<RPCConnection.StopReason?>(nil)
        self.stopReason = stopReason
        Task {
            let reason = await server.run()
            stopReason.withLock { $0 = reason }
            withExtendedLifetime(logs) {}
        }
        reading = Task {
            while let frame = await client.nextFrame() { log.append(frame: frame) }
        }
    }

    /// The id of the simulator's built-in agent called `name` (echo, approval, questions, flaky, failing, slow, chatty,
    /// interrupted), read from its catalog.
    package func agentID(_ name: String) throws -> String {
        guard let agent = simulator.catalog.agents.first(where: { $0.name == name }) else {
            throw UnknownAgent(name: name)
        }
        return agent.id
    }

    /// The simulator has no agent of that name.
    package struct UnknownAgent: Error, CustomStringConvertible {
        package let name: String
        package var description: String { "the simulator has no agent named '\(name)'" }
    }

    package var diagnostics: String { "the server's log:\n\(serverLog)" }

    /// What the server has logged so far.
    package var serverLog: String { logs.text(.server) }

    /// What the simulator has logged so far (at `debug`, a line per request).
    package var simulatorLog: String { logs.text(.simulator) }

    /// Writes one message in the client's framing.
    package func send(_ message: JSONValue) {
        client.send(json: message)
    }

    /// Writes raw bytes, framing and all (for malformed-input tests).
    package func sendRaw(_ bytes: [UInt8]) {
        client.send(bytes: bytes)
    }

    /// Everything the server wrote, framing included.
    package var outputText: String { String(decoding: client.receivedBytes, as: UTF8.self) }

    /// Ends the server's input, as closing stdin does.
    package func closeInput() {
        client.closeInput()
    }

    /// Asks the server to shut down, as SIGTERM does.
    package func beginShutdown() async {
        await server.beginShutdown()
    }

    /// Why the server stopped, or nil when it has not within `timeout` seconds.
    package func stopped(timeout: Double = 30) async -> RPCConnection.StopReason? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let reason = stopReason.withLock({ $0 }) { return reason }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return nil
    }

    deinit {
        client.closeInput()
        simulator.stop()
        reading.cancel()
    }
}

/// The server's and the simulator's logs, each a temporary file written through its own descriptor and read whole
/// (a pipe would block a chatty logger once nobody reads it). The server's task keeps it, so no descriptor is closed
/// (and its number reused) while the server may still log.
private final class LogFiles: Sendable {
    enum Name: String { case server = "server.log", simulator = "simulator.log" }
    let directory: URL
    let server: FileHandle
    let simulator: FileHandle

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("in-process-bridge-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory
        func create(_ name: Name) throws -> FileHandle {
            let path = url.appendingPathComponent(name.rawValue).path
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        server = try create(.server)
        simulator = try create(.simulator)
    }

    /// What has been written to the log so far.
    func text(_ name: Name) -> String {
        let data = (try? Data(contentsOf: directory.appendingPathComponent(name.rawValue))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension Simulator {
    /// The simulator started but gave an address that is not a URL.
    package struct UnusableAddress: Error, CustomStringConvertible {
        package let address: String
        package var description: String { "the simulator gave an unusable address '\(address)'" }
    }
}
