import JSONCore
import JSONRPC
import Synchronization
import Testing

@Suite("Shutdown and the end of a connection")
struct ConnectionLifecycleTests {
    @Test("at end of input, running requests are answered within the grace period, the rest cancelled, hooks run")
    func endOfInputDrainsThenCancels() async {
        let started = AsyncQueue<String>()
        let quick = Gate()
        let router = ConnectionConcurrencyTests.blockingRouter(
            started: started, gates: ["quick": quick, "stuck": Gate()])
        let harness = ConnectionHarness(router: router, configuration: .init(shutdownGrace: .seconds(2)))
        let hooks = AsyncQueue<String>()
        await harness.connection.onShutdown {
            hooks.push("hook")
            await harness.connection.notify("bye")
        }
        harness.send(ConnectionConcurrencyTests.blockRequest("quick"))
        harness.send(ConnectionConcurrencyTests.blockRequest("stuck"))
        _ = await started.next()
        _ = await started.next()
        harness.client.closeInput()
        quick.open()
        #expect(await harness.stopped() == .endOfInput)
        let frames = harness.allFrames()
        #expect(frames.byID["\"quick\""]?["result"] == "opened quick")
        #expect(frames.byID["\"stuck\""]?["error"]?["code"] == -32800)
        #expect(frames.last?["method"] == "bye", "hooks run after requests are answered and may still notify")
        #expect(hooks.pending == ["hook"])
    }

    @Test("a shutdown while a request runs lets that request finish within the grace period")
    func shutdownDuringARunningRequest() async {
        let started = AsyncQueue<String>()
        let (harness, gates) = ConnectionConcurrencyTests.blockingHarness(
            ["slow"], started: started, configuration: .init(shutdownGrace: .seconds(5)))
        harness.send(ConnectionConcurrencyTests.blockRequest("slow"))
        #expect(await started.next() == "slow")
        await harness.connection.beginShutdown()
        gates["slow"]?.open()
        #expect(await harness.stopped() == .shutdown)
        #expect(harness.allFrames().byID["\"slow\""]?["result"] == "opened slow", "finished, not cancelled")
    }

    @Test("a handler that ignores cancellation still gets its request answered, once, with -32800")
    func stubbornHandler() async {
        let release = Gate()
        let started = AsyncQueue<String>()
        var router = RPCRouter()
        router.register(name: "stubborn") { _, _ in
            started.push("stubborn")
            // An unstructured task does not inherit the cancellation, just as a careless handler would not.
            await Task { try? await release.wait() }.value
            return "too late"
        }
        let harness = ConnectionHarness(router: router, configuration: .init(shutdownGrace: .milliseconds(50)))
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"stubborn"}"#)
        _ = await started.next()
        await harness.connection.beginShutdown()
        #expect(await harness.stopped() == .shutdown)
        release.open()
        let frames = harness.allFrames()
        #expect(frames == [["jsonrpc": "2.0", "id": 1, "error": ["code": -32800, "message": "Request cancelled"]]])
    }

    @Test("LSP shutdown is answered null, later requests are refused, and exit ends the connection")
    func lspLifecycle() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#)
        #expect(await harness.next() == ["jsonrpc": "2.0", "id": 1, "result": nil])
        harness.send(#"{"jsonrpc":"2.0","id":2,"method":"get_data"}"#)
        #expect(await harness.next()?["error"]?["code"] == -32600)
        harness.send(#"{"jsonrpc":"2.0","method":"exit"}"#)
        #expect(await harness.stopped() == .exit(afterShutdownRequest: true))
    }

    @Test("exit without shutdown ends the connection and says so")
    func exitWithoutShutdown() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"{"jsonrpc":"2.0","method":"exit"}"#)
        #expect(await harness.stopped() == .exit(afterShutdownRequest: false))
    }

    @Test("when the client closes its end of the output, run() returns quietly")
    func outputClosed() async {
        let harness = ConnectionHarness(router: .sample())
        harness.client.closeOutput()
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"get_data"}"#)
        #expect(await harness.stopped() == .outputClosed)
    }

    @Test("a server->client request fails with connectionClosed when the input ends")
    func pendingClientRequestFailsAtEnd() async {
        let outcome = AsyncQueue<String>()
        var router = RPCRouter()
        router.register(name: "ask") { _, context in
            do {
                return try await context.connection.sendRequest("roots/list", timeout: .seconds(60))
            } catch let error as RPCError {
                outcome.push(error == .connectionClosed ? "closed" : "other")
                throw error
            }
        }
        let harness = ConnectionHarness(router: router)
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"ask"}"#)
        #expect(await harness.next()?["id"] == "s1")
        harness.client.closeInput()
        #expect(await outcome.next() == "closed")
        #expect(await harness.stopped() == .endOfInput)
    }

    @Test("notifications after the end are dropped without error")
    func notifyAfterEnd() async {
        let harness = ConnectionHarness(router: .sample())
        _ = await harness.closeAndCollect()
        await harness.connection.notify("late")
        #expect(harness.allFrames().isEmpty)
    }
}
