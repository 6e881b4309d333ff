import JSONCore
import Synchronization

/// The MCP state of one connection: the revision agreed in `initialize`, what the client can do, and the log level
/// it asked for.
///
/// `duvo rpc` serves one connection per process, so ``MCPServer/register(into:bridge:options:)`` makes one session.
actor MCPSession {
    /// The revision answered to `initialize`, or nil before it.
    private(set) var revision: String?
    /// What the client declared it can do.
    private(set) var capabilities = ClientCapabilities.none
    /// The client's `clientInfo` (name, version), for log lines.
    private(set) var clientName: String?
    /// Whether `notifications/initialized` arrived.
    private(set) var isInitialized = false
    /// The least severe level the client wants as `notifications/message`; nil sends none.
    private(set) var logLevel: MCPLogLevel?
    /// How long the client waited for a wait before cancelling it (its own tool-call timeout, most likely); the
    /// shortest seen. Behind a lock, not the actor: a wait's cancellation handler records it synchronously, while the
    /// connection takes the client's cancel in, so the request that follows it already sees it.
    private nonisolated let observedPatience = Mutex<Duration?>(nil)

    /// The share of the client's observed patience a wait may use, leaving room for the answer to reach it.
    static let patienceShare = 0.7
    /// The shortest a wait is cut to, whatever the client showed (a wait needs a poll or two to say anything).
    static let shortestWait = 0.5

    /// Records an `initialize` request and returns the revision to answer.
    func begin(requestedRevision: String?, capabilities: JSONValue?, clientInfo: JSONValue?) -> String {
        let agreed = ProtocolRevision.negotiate(requestedRevision)
        revision = agreed
        self.capabilities = ClientCapabilities(json: capabilities)
        clientName = clientInfo?["name"]?.stringValue
        isInitialized = false
        return agreed
    }

    /// Records `notifications/initialized`.
    func markInitialized() {
        isInitialized = true
    }

    /// Records `logging/setLevel`.
    func setLogLevel(_ level: MCPLogLevel) {
        logLevel = level
    }

    /// Records that the client cancelled a wait after `waited`.
    /// - Returns: whether this lowered the patience waits keep to.
    nonisolated func noteCancelledWait(after waited: Duration) -> Bool {
        observedPatience.withLock { observed in
            if let observed, observed <= waited { return false }
            observed = waited
            return true
        }
    }

    /// The longest, in seconds, a wait may last so that it answers before this client gives up on it; nil until a
    /// client cancelled one.
    nonisolated var waitCap: Double? {
        observedPatience.withLock { $0 }.map { max(Self.shortestWait, $0.seconds * Self.patienceShare) }
    }

    /// Whether a message at `level` should be sent to the client.
    func wantsLog(_ level: MCPLogLevel) -> Bool {
        guard let logLevel else { return false }
        return level >= logLevel
    }

    /// The revision in use, assuming the latest when the client never sent `initialize`.
    var effectiveRevision: String { revision ?? ProtocolRevision.latest }

    /// Whether tool results carry `structuredContent` for this client (a 2025-06-18 addition).
    var supportsStructuredContent: Bool {
        ProtocolRevision.revision(effectiveRevision, isAtLeast: "2025-06-18")
    }
}
