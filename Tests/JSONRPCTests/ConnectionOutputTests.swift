import Diagnostics
import Dispatch
import JSONCore
import JSONRPC
import Synchronization
import Testing

@Suite("A client that reads its answers slowly")
struct ConnectionOutputTests {
    /// The server's end of an in-memory pipe whose writes block until ``open()``, as a full pipe to a client that
    /// stopped reading would.
    final class StalledOutput: ByteOutput {
        let inner: InMemoryTransport
        private let opened = Atomic<Bool>(false)
        private let gate = DispatchSemaphore(value: 0)

        init(_ inner: InMemoryTransport) {
            self.inner = inner
        }

        func write(_ bytes: [UInt8]) throws {
            if !opened.load(ordering: .acquiring) {
                gate.wait()
                gate.signal()
            }
            try inner.write(bytes)
        }

        func open() {
            opened.store(true, ordering: .releasing)
            gate.signal()
        }
    }

    @Test("while answers wait for a client that does not read, new requests are still read and started")
    func blockedWritesDoNotStopServing() async {
        let (server, client) = InMemoryTransport.pair()
        let output = StalledOutput(server)
        let started = AsyncQueue<String>()
        var router = RPCRouter.sample()
        router.register(name: "probe") { params, _ in
            started.push(params?["name"]?.stringValue ?? "")
            return "probed"
        }
        let connection = RPCConnection(
            input: server, output: output, router: router, logger: Logger(label: "test", level: .error))
        let run = Task { await connection.run() }
        // More than the cooperative pool has threads: a write that blocked one of them each would stall them all.
        let names = (1...8).map { "r\($0)" }
        for name in names {
            client.send(raw: #"{"jsonrpc":"2.0","id":"\#(name)","method":"probe","params":{"name":"\#(name)"}}"# + "\n")
            // Each request is read and its handler runs although no answer could be written yet.
            #expect(await started.next() == name)
        }
        output.open()
        let answered = await withDeadline { () -> [String] in
            var ids: [String] = []
            while ids.count < names.count, let frame = await client.nextFrame() {
                if case .string(let id)? = (try? JSONParser().parse(frame))?["id"] { ids.append(id) }
            }
            return ids
        }
        #expect(answered?.sorted() == names.sorted())
        client.closeInput()
        #expect(await withDeadline { await run.value } == .endOfInput)
    }
}
