import JSONCore
import JSONRPC
import Synchronization
import Testing

@Suite("Concurrency, cancellation and back-pressure")
struct ConnectionConcurrencyTests {
    /// A router whose `block` method reports that it started, then waits for its gate (named by its params).
    static func blockingRouter(started: AsyncQueue<String>, gates: [String: Gate]) -> RPCRouter {
        var router = RPCRouter.sample()
        router.register(name: "block") { params, _ in
            let name = params?["gate"]?.stringValue ?? ""
            started.push(name)
            try await gates[name]?.wait()
            return .string("opened \(name)")
        }
        return router
    }

    /// A `block` request whose id and gate are both `name`.
    static func blockRequest(_ name: String) -> String {
        #"{"jsonrpc":"2.0","id":"\#(name)","method":"block","params":{"gate":"\#(name)"}}"#
    }

    /// A harness over ``blockingRouter(started:gates:)`` with one gate per name.
    static func blockingHarness(
        _ names: [String], started: AsyncQueue<String>, configuration: RPCConnection.Configuration = .init()
    ) -> (ConnectionHarness, [String: Gate]) {
        let gates = Dictionary(uniqueKeysWithValues: names.map { ($0, Gate()) })
        let router = blockingRouter(started: started, gates: gates)
        return (ConnectionHarness(router: router, configuration: configuration), gates)
    }

    @Test("a slow request does not hold back a fast one's answer")
    func slowDoesNotBlockFast() async {
        let started = AsyncQueue<String>()
        let slow = Gate()
        let harness = ConnectionHarness(router: Self.blockingRouter(started: started, gates: ["slow": slow]))
        harness.send(Self.blockRequest("slow"))
        #expect(await started.next() == "slow")
        harness.send(#"{"jsonrpc":"2.0","id":"fast","method":"get_data"}"#)
        #expect(await harness.next()?["id"] == "fast")
        slow.open()
        #expect(await harness.next()?["result"] == "opened slow")
    }

    @Test("quick requests one after another are each answered once, in order")
    func quickRequestsInTurn() async {
        let harness = ConnectionHarness(router: .sample())
        for index in 1...200 {
            harness.send(#"{"jsonrpc":"2.0","id":\#(index),"method":"get_data"}"#)
            #expect(await harness.next()?["id"] == .int(index))
        }
        #expect(await harness.closeAndCollect().count == 200)
    }

    @Test("LSP's $/cancelRequest stops the request, which is answered with -32800")
    func cancellation() async {
        let started = AsyncQueue<String>()
        let harness = ConnectionHarness(router: Self.blockingRouter(started: started, gates: ["never": Gate()]))
        harness.send(#"{"jsonrpc":"2.0","id":"victim","method":"block","params":{"gate":"never"}}"#)
        #expect(await started.next() == "never")
        harness.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"victim"}}"#)
        let answer = await harness.next()
        #expect(answer?["id"] == "victim")
        #expect(answer?["error"] == ["code": -32800, "message": "Request cancelled"])
        #expect(await harness.closeAndCollect().count == 1, "answered exactly once")
    }

    @Test("MCP's notifications/cancelled stops the request and nothing more is written for it, running or queued")
    func mcpCancellationIsNotAnswered() async {
        let started = AsyncQueue<String>()
        let (harness, gates) = Self.blockingHarness(["a", "b", "c"], started: started,
                                                    configuration: .init(maxInFlight: 2))
        for name in ["a", "b", "c"] { harness.send(Self.blockRequest(name)) }
        #expect(Set([await started.next(), await started.next()]) == ["a", "b"])
        for id in ["a", "c"] {
            harness.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"\#(id)"}}"#)
        }
        harness.send(#"{"jsonrpc":"2.0","id":"after","method":"get_data"}"#)
        #expect(await harness.next()?["id"] == "after", "the first frame written is the next request's answer")
        gates["b"]?.open()
        #expect(await harness.next()?["id"] == "b")
        let all = await harness.closeAndCollect()
        #expect(all.compactMap { $0["id"]?.stringValue }.sorted() == ["after", "b"], "no answer for a or c")
        #expect(started.pending.isEmpty, "c never ran")
    }

    @Test("a batch whose request is cancelled by notifications/cancelled is answered without it")
    func mcpCancellationInABatch() async {
        let started = AsyncQueue<String>()
        let (harness, _) = Self.blockingHarness(["never"], started: started)
        harness.send(#"[{"jsonrpc":"2.0","id":"victim","method":"block","params":{"gate":"never"}},"#
            + #"{"jsonrpc":"2.0","id":"kept","method":"get_data"}]"#)
        #expect(await started.next() == "never")
        harness.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"victim"}}"#)
        let batch = await harness.next()
        #expect(batch?.arrayValue?.map { $0["id"] } == ["kept"])
    }

    @Test("a batch is answered in full when a cancellation inside it completes another batch, whose answer takes a while to write")
    func batchCompletedByACancellationInAnother() async {
        // Answering the first batch suspends the connection while the frame goes to the (in-memory) output; the
        // second batch's first request finishes meanwhile. Its batch used to count as complete then, and the
        // entries after the cancellation lost their answers.
        let rounds = ["r1", "r2", "r3"]
        let started = AsyncQueue<String>()
        let (harness, _) = Self.blockingHarness(rounds, started: started)
        for round in rounds {
            harness.send(#"[{"jsonrpc":"2.0","id":"\#(round)-w","method":"block","params":{"gate":"\#(round)"}},"#
                + #"{"jsonrpc":"2.0","id":"\#(round)-k","method":"get_data"}]"#)
            #expect(await started.next() == round)
            let later = (1..<20).map { #"{"jsonrpc":"2.0","id":"\#(round)-p\#($0)","method":"get_data"}"# }
            harness.send("[" + ([#"{"jsonrpc":"2.0","id":"\#(round)-p0","method":"get_data"}"#,
                                 #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"\#(round)-w"}}"#]
                                + later).joined(separator: ",") + "]")
            var answers: [[String]] = []
            for _ in 0..<2 {
                answers.append((await harness.next())?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
            }
            #expect(answers.contains(["\(round)-k"]), "the first batch without its cancelled request")
            #expect(answers.contains((0..<20).map { "\(round)-p\($0)" }), "every entry of the second batch, in order")
        }
    }

    @Test("a batch over the entry limit is refused whole with one -32600, and the next frame is served")
    func batchOverTheLimit() async {
        let harness = ConnectionHarness(router: .sample(), configuration: .init(maxBatchEntries: 3))
        let entry = { (id: Int) in #"{"jsonrpc":"2.0","id":\#(id),"method":"get_data"}"# }
        harness.send("[" + (1...4).map(entry).joined(separator: ",") + "]")
        let refused = await harness.next()
        #expect(refused?["id"] == .null)
        #expect(refused?["error"]?["code"] == -32600)
        #expect(refused?["error"]?["data"] == ["size": 4, "limit": 3])
        harness.send("[" + (5...7).map(entry).joined(separator: ",") + "]")
        #expect(await harness.next()?.arrayValue?.map { $0["id"] } == [5, 6, 7])
        #expect(await harness.closeAndCollect().count == 2, "nothing was run for the refused batch")
    }

    @Test("with maxInFlight 2 a third request is not started until one finishes, and a queued one can be cancelled")
    func inFlightCap() async {
        let started = AsyncQueue<String>()
        let (harness, gates) = Self.blockingHarness(
            ["a", "b", "c", "d"], started: started, configuration: .init(maxInFlight: 2))
        for name in ["a", "b", "c"] { harness.send(Self.blockRequest(name)) }
        // Frames are handled in order, so once this parse error is answered, c has been received.
        harness.send("not json")
        #expect(await harness.next()?["error"]?["code"] == -32700)
        #expect(Set([await started.next(), await started.next()]) == ["a", "b"])
        #expect(started.pending.isEmpty, "c must wait for a free slot")

        harness.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"c"}}"#)
        let cancelled = await harness.next()
        #expect(cancelled?["id"] == "c", "a queued request is cancelled without running")
        #expect(cancelled?["error"]?["code"] == -32800)

        harness.send(Self.blockRequest("d"))
        gates["a"]?.open()
        #expect(await harness.next()?["id"] == "a")
        #expect(await started.next() == "d")
        gates["b"]?.open()
        gates["d"]?.open()
        let answers = await harness.closeAndCollect()
        #expect(answers.count == 5, "every request answered exactly once (plus the parse error)")
        #expect(answers.byID["\"b\""]?["result"] == "opened b")
        #expect(answers.byID["\"d\""]?["result"] == "opened d")
        #expect(started.pending.isEmpty, "c never ran")
    }

    @Test("when the running and the queued requests are both at the cap, input is not read until a slot frees")
    func inputPausesWhenFull() async {
        let started = AsyncQueue<String>()
        let (harness, gates) = Self.blockingHarness(
            ["a", "b", "c", "d"], started: started, configuration: .init(maxInFlight: 2))
        for name in ["a", "b", "c", "d"] { harness.send(Self.blockRequest(name)) }
        harness.send("not json")
        #expect(Set([await started.next(), await started.next()]) == ["a", "b"])
        gates["a"]?.open()
        // Had the reader gone on, the parse error would have been answered before a finished.
        #expect(await harness.next()?["id"] == "a")
        #expect(await harness.next()?["error"]?["code"] == -32700)
        for gate in gates.values { gate.open() }
        #expect(await harness.closeAndCollect().count == 5)
    }

    @Test("a server->client request round-trips, and an error answer reaches the caller as RPCError")
    func serverToClientRequest() async {
        var router = RPCRouter()
        router.register(name: "ask") { params, context in
            do {
                let answer = try await context.connection.sendRequest("elicitation/create", params: params, timeout: .seconds(60))
                return ["client said": answer]
            } catch let error as RPCError {
                return ["client refused": .int(error.code.rawValue)]
            }
        }
        let harness = ConnectionHarness(router: router)
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"ask","params":{"q":"ok?"}}"#)
        let request = await harness.next()
        #expect(request?["method"] == "elicitation/create")
        #expect(request?["params"] == ["q": "ok?"])
        #expect(request?["id"] == "s1")
        harness.send(#"{"jsonrpc":"2.0","id":"s1","result":{"action":"accept"}}"#)
        #expect(await harness.next()?["result"] == ["client said": ["action": "accept"]])

        harness.send(#"{"jsonrpc":"2.0","id":2,"method":"ask"}"#)
        #expect(await harness.next()?["id"] == "s2")
        harness.send(#"{"jsonrpc":"2.0","id":"s2","error":{"code":-1,"message":"declined"}}"#)
        #expect(await harness.next()?["result"] == ["client refused": -1])
    }

    @Test("cancelling a request that waits on the client stops the wait")
    func cancelWhileWaitingOnClient() async {
        var router = RPCRouter()
        router.register(name: "ask") { _, context in
            try await context.connection.sendRequest("roots/list", timeout: .seconds(60))
        }
        let harness = ConnectionHarness(router: router)
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"ask"}"#)
        #expect(await harness.next()?["id"] == "s1")
        harness.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#)
        #expect(await harness.next()?["error"]?["code"] == -32800)
        harness.send(#"{"jsonrpc":"2.0","id":"s1","result":[]}"#)
        #expect(await harness.closeAndCollect().count == 2, "a late answer to an abandoned request is ignored")
    }

    @Test("handlers can send notifications while they run")
    func notificationsFromHandlers() async {
        var router = RPCRouter()
        router.register(name: "work") { _, context in
            await context.connection.notify("progress", params: ["done": 1])
            return "finished"
        }
        let harness = ConnectionHarness(router: router)
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"work"}"#)
        #expect(await harness.next() == ["jsonrpc": "2.0", "method": "progress", "params": ["done": 1]])
        #expect(await harness.next()?["result"] == "finished")
    }
}
