import Diagnostics
import JSONCore
import JSONRPC
import Testing

/// A connection served in memory, with a client to talk to it.
struct ConnectionHarness {
    let client: InMemoryClient
    let connection: RPCConnection
    let run: Task<RPCConnection.StopReason, Never>

    init(
        router: RPCRouter, configuration: RPCConnection.Configuration = .init(),
        clientFraming: Framing = .newlineDelimited
    ) {
        let (server, client) = InMemoryTransport.pair(framing: clientFraming)
        let connection = RPCConnection(
            input: server, output: server, router: router, configuration: configuration,
            logger: Logger(label: "test", level: .error))
        self.client = client
        self.connection = connection
        self.run = Task { await connection.run() }
    }

    /// Sends JSON text as one newline-delimited frame.
    func send(_ text: String) {
        client.send(raw: text + "\n")
    }

    /// The next frame the server wrote, parsed; records an issue and returns `nil` when none comes in time.
    func next(sourceLocation: SourceLocation = #_sourceLocation) async -> JSONValue? {
        let client = self.client
        let received = await withDeadline { await client.nextFrame() }
        guard let received, let frame = received else {
            Issue.record("no frame arrived in time", sourceLocation: sourceLocation)
            return nil
        }
        do {
            return try JSONParser().parse(frame)
        } catch {
            Issue.record("the server wrote a frame that is not JSON: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Waits for ``RPCConnection/run()`` to return; records an issue and returns `nil` when it does not.
    func stopped(sourceLocation: SourceLocation = #_sourceLocation) async -> RPCConnection.StopReason? {
        let run = self.run
        let reason = await withDeadline { await run.value }
        guard let reason else {
            Issue.record("run() did not return", sourceLocation: sourceLocation)
            return nil
        }
        return reason
    }

    /// Closes the input, waits for the connection to end, and returns every frame it ever wrote, parsed.
    func closeAndCollect(sourceLocation: SourceLocation = #_sourceLocation) async -> [JSONValue] {
        client.closeInput()
        _ = await stopped(sourceLocation: sourceLocation)
        return allFrames(sourceLocation: sourceLocation)
    }

    /// Every frame written so far (including those already read with ``next()``), parsed; the framing is detected,
    /// since the server answers in the framing it detected, which need not be the one the client meant.
    func allFrames(sourceLocation: SourceLocation = #_sourceLocation) -> [JSONValue] {
        var decoder = FrameDecoder()
        decoder.append(client.receivedBytes)
        decoder.finish()
        var values: [JSONValue] = []
        while let event = decoder.next() {
            guard case .frame(let bytes) = event, let value = try? JSONParser().parse(bytes) else {
                Issue.record(
                    "the server wrote something that is not a JSON frame: \(event)", sourceLocation: sourceLocation)
                continue
            }
            values.append(value)
        }
        return values
    }
}

extension Array where Element == JSONValue {
    /// The answers keyed by their id's JSON text (`1`, `"a"`, `null`), for order-free checks.
    var byID: [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for value in self { result[(value["id"] ?? .null).jsonString] = value }
        return result
    }
}
