import Diagnostics
import JSONCore
import JSONRPC
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The production transport over real pipes.
@Suite("Stdio transport over pipes")
struct StdioTransportTests {
    /// A pipe no child process inherits (close-on-exec): a copy held by a child that another test spawns meanwhile
    /// would keep the pipe from ever reaching end of file.
    static func makePipe() -> (read: Int32, write: Int32) {
        do {
            let fds = try ChildPipe.closeOnExecPipe()
            return (fds[0], fds[1])
        } catch {
            Issue.record("no pipe: \(error)")
            return (-1, -1)
        }
    }

    static func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #expect(written == bytes.count)
    }

    @Test("a connection over pipes answers, and ends at end of input")
    func servesOverPipes() async {
        let toServer = Self.makePipe()
        let fromServer = Self.makePipe()
        let transport = StdioTransport(inputFD: toServer.read, outputFD: fromServer.write)
        let connection = RPCConnection(
            input: transport, output: transport, router: .sample(), logger: Logger(label: "test", level: .error))
        let run = Task { await connection.run() }
        Self.writeAll(toServer.write, #"{"jsonrpc":"2.0","id":1,"method":"subtract","params":[5,3]}"# + "\n")
        close(toServer.write)
        let reason = await withDeadline { await run.value }
        #expect(reason == .endOfInput)
        close(fromServer.write)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fromServer.read, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            output += buffer[0..<count]
        }
        close(toServer.read)
        close(fromServer.read)
        #expect(String(decoding: output, as: UTF8.self) == #"{"jsonrpc":"2.0","id":1,"result":2}"# + "\n")
    }

    @Test("beginShutdown ends run() even while stdin stays open and a read is blocked")
    func shutdownWithInputOpen() async {
        let toServer = Self.makePipe()
        let fromServer = Self.makePipe()
        let transport = StdioTransport(inputFD: toServer.read, outputFD: fromServer.write)
        let connection = RPCConnection(
            input: transport, output: transport, router: .sample(), logger: Logger(label: "test", level: .error))
        let run = Task { await connection.run() }
        Self.writeAll(toServer.write, #"{"jsonrpc":"2.0","id":1,"method":"get_data"}"# + "\n")
        // A blocking read, off the cooperative pool: the answer it waits for needs the pool's threads.
        let answerFD = fromServer.read
        let count = try? await onDedicatedThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            return buffer.withUnsafeMutableBytes { read(answerFD, $0.baseAddress, $0.count) }
        }
        #expect((count ?? 0) > 0, "the first answer arrives, so the reader is now blocked in read(2)")
        await connection.beginShutdown()
        #expect(await withDeadline { await run.value } == .shutdown)
        for fd in [toServer.read, toServer.write, fromServer.read, fromServer.write] { close(fd) }
    }

    @Test("writing to a pipe whose reader is gone throws closed instead of killing the process")
    func closedPipe() {
        let pipe = Self.makePipe()
        close(pipe.read)
        let transport = StdioTransport(inputFD: -1, outputFD: pipe.write)
        #expect(throws: TransportError.closed) { try transport.write(Array("x\n".utf8)) }
        close(pipe.write)
    }

    @Test("input arrives in read batches and ends at end of input")
    func readsBatches() async {
        let pipe = Self.makePipe()
        let transport = StdioTransport(inputFD: pipe.read, outputFD: -1)
        Self.writeAll(pipe.write, "hello ")
        Self.writeAll(pipe.write, "world")
        close(pipe.write)
        let bytes = await withDeadline {
            var collected: [UInt8] = []
            for await chunk in transport.chunks() { collected += chunk }
            return collected
        }
        close(pipe.read)
        #expect(bytes.map { String(decoding: $0, as: UTF8.self) } == "hello world")
    }
}
