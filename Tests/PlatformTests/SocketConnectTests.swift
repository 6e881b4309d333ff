import Dispatch
import Platform
import Synchronization
import Testing

@Suite("Opening a TCP connection within its time, name lookup included")
struct SocketConnectTests {
    final class Flag: Sendable {
        let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .acquiring) }
    }

    @Test("a name lookup that does not answer fails the connect at its timeout, without waiting for the resolver")
    func lookupWithoutAnswer() async {
        let resolverDone = Flag()
        let resolverMayAnswer = DispatchSemaphore(value: 0)
        let outcome = await BlockingExecutor.shared.run {
            Platform.connect(host: "duvo.invalid", port: 80, timeout: 0.2) { _, _ in
                // A resolver that does not answer (getaddrinfo with an unreachable name server): held until the test
                // lets it go.
                _ = resolverMayAnswer.wait(timeout: .now() + 30)
                resolverDone.value.store(true, ordering: .releasing)
                return nil
            }
        }
        #expect(!resolverDone.isSet, "the connect came back before the lookup did")
        guard case .failure(let failure) = outcome else {
            Issue.record("connected to nothing")
            return
        }
        #expect(failure.reason == "cannot resolve duvo.invalid: no answer within 0.2 s")
        resolverMayAnswer.signal()
    }

    @Test("the addresses a lookup found are connected to: a listener on loopback")
    func lookupThenConnect() async throws {
        guard case .success(let listener) = Platform.listen(host: "127.0.0.1", port: 0) else {
            Issue.record("cannot listen on loopback")
            return
        }
        defer { _ = Platform.close(listener) }
        let port = Int(Platform.boundPort(of: listener))
        let outcome = await BlockingExecutor.shared.run {
            Platform.connect(host: "bridge.test", port: port, timeout: 5) { host, port in
                host == "bridge.test" ? Platform.lookUp("127.0.0.1", port) : nil
            }
        }
        guard case .success(let fd) = outcome else {
            Issue.record("did not connect: \(outcome)")
            return
        }
        _ = Platform.close(fd)
    }

    @Test("a name that does not resolve says so")
    func unknownName() async {
        let outcome = await BlockingExecutor.shared.run {
            Platform.connect(host: "bridge.test", port: 80, timeout: 5) { _, _ in nil }
        }
        guard case .failure(let failure) = outcome else {
            Issue.record("connected to nothing")
            return
        }
        #expect(failure.reason == "cannot resolve bridge.test")
    }
}
