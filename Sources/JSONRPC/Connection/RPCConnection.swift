import Diagnostics
import JSONCore

/// A JSON-RPC 2.0 connection: reads frames from a ``ByteInput``, runs each request in its own task through an
/// ``RPCRouter``, and writes answers, notifications and server->client requests to a ``ByteOutput``.
///
/// What a client can rely on:
/// - Every request with an id is answered exactly once (also when its params do not decode, it is cancelled with
///   `$/cancelRequest`, or the server shuts down), unless MCP's `notifications/cancelled` cancelled it; notifications
///   never are. Batches are answered with one array, in the batch's order.
/// - Requests run concurrently; each answer is written as soon as it is ready, and frames never interleave.
/// - `$/cancelRequest {"id"}` and `notifications/cancelled {"requestId"}` cancel a request's task. After
///   `$/cancelRequest` (LSP) what the handler then throws is answered with -32800 (a handler that finishes anyway has
///   its result sent: the work happened), and a request still queued is answered -32800 at once. After
///   `notifications/cancelled` (MCP) nothing more is written for the request, as MCP asks, except for the methods in
///   ``RPCRouter/answeredWhenCancelled``. LSP's `shutdown` request is answered `null` (later requests
///   get -32600) and `exit` ends ``run()``.
/// - No input crashes or stalls it: bad frames are answered with -32700/-32600 and the next frame is served.
///
/// Call ``run()`` once; it returns after end of input, `exit`, ``beginShutdown()`` or a closed output, once running
/// requests were answered (within ``Configuration/shutdownGrace``, then cancelled) and ``onShutdown(_:)`` hooks ran.
public actor RPCConnection {
    let router: RPCRouter
    let configuration: Configuration
    let logger: Logger
    let input: any ByteInput
    let writer: FrameWriter

    enum Phase {
        case idle, running, stopping, stopped
    }

    /// The framing answers are written in: the client's once known.
    var framing: Framing
    var phase = Phase.idle
    var stopReason: StopReason?
    var stopWaiter: CheckedContinuation<Void, Never>?
    var readerTask: Task<Void, Never>?
    /// The reader, parked while the queue of waiting requests is full.
    var readerWaiter: CheckedContinuation<Void, Never>?
    var receivedShutdownRequest = false
    var outputClosed = false
    var shutdownHooks: [@Sendable () async -> Void] = []

    var nextToken: UInt64 = 0
    var inFlight = InFlightTable()
    var backlog = JobQueue()
    /// Jobs that owe an answer; an answer is sent only while its job is still here.
    var unanswered = UnansweredJobs()
    var batches: [UInt64: BatchCollector] = [:]
    var idleWaiter: (generation: Int, continuation: CheckedContinuation<Void, Never>)?
    var idleGeneration = 0

    var outgoingCount = 0
    var outgoing: [RPCRequestID: CheckedContinuation<JSONValue, any Error>] = [:]

    /// A connection over `input` and `output`, answering with `router`'s handlers; call ``run()`` to start it.
    public init(
        input: any ByteInput, output: any ByteOutput, router: RPCRouter, configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        var configuration = configuration
        configuration.maxInFlight = max(1, configuration.maxInFlight)
        self.input = input
        self.writer = FrameWriter(output: output)
        self.router = router
        self.configuration = configuration
        self.logger = logger
        self.framing = configuration.framing ?? .newlineDelimited
    }

    /// Serves the connection until it ends, then returns why.
    ///
    /// - Important: Call it once; a second call returns at once.
    @discardableResult
    public func run() async -> StopReason {
        guard phase == .idle else {
            logger.error("RPCConnection.run() was called more than once")
            return stopReason ?? .shutdown
        }
        if stopReason == nil {
            phase = .running
            readerTask = Task { await self.readLoop() }
            await withCheckedContinuation { stopWaiter = $0 }
        } else {
            phase = .stopping
        }
        await shutDown()
        phase = .stopped
        return stopReason ?? .endOfInput
    }

    /// Starts an orderly shutdown (the process calls it on SIGTERM): stop reading, let running requests finish
    /// within the grace period, cancel the rest, run the shutdown hooks, then ``run()`` returns.
    public func beginShutdown() {
        stop(.shutdown)
    }

    /// Adds work to do when the connection ends, after requests were answered and before ``run()`` returns (the
    /// bridge ends its follows here). Hooks run one after another, in the order added, and may still
    /// ``notify(_:params:)``.
    public func onShutdown(_ hook: @escaping @Sendable () async -> Void) {
        shutdownHooks.append(hook)
    }

    /// The framing in use: the client's once detected, else the configured one, else newline-delimited.
    public var currentFraming: Framing { framing }

    /// Stops reading and wakes ``run()`` to shut down; the first reason wins.
    func stop(_ reason: StopReason) {
        guard stopReason == nil, phase == .idle || phase == .running else { return }
        stopReason = reason
        guard phase == .running else { return }
        phase = .stopping
        logger.debug("stopping: \(reason)")
        readerTask?.cancel()
        resumeReader()
        failAllOutgoing()
        stopWaiter?.resume()
        stopWaiter = nil
    }

    func newToken() -> UInt64 {
        nextToken += 1
        return nextToken
    }
}
