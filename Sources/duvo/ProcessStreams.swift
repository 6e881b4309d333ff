import DuvoCLI
import Foundation
import Platform

/// The process's own stdin, stdout and stderr (fds 0, 1, 2) for ``DuvoTool``.
struct ProcessStreams: StandardStreams {
    /// The running `duvo` binary, started again as the shared simulator.
    static var executablePath: String {
        Platform.executablePath() ?? CommandLine.arguments.first ?? "duvo"
    }

    let outputIsTerminal = Platform.isTerminal(1)
    let inputIsTerminal = Platform.isTerminal(0)

    /// Writes all of `text`, retrying short writes. A reader that went away (`| head`) ends the process quietly,
    /// as SIGPIPE would: there is no one left to tell.
    func write(_ text: String, to stream: DuvoCLI.OutputStream) {
        let fd: Int32 = stream == .output ? 1 : 2
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Platform.write(fd: fd, UnsafeRawBufferPointer(start: base + written, count: raw.count - written))
            }
            if result < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            if result < 0 && Platform.lastError == Platform.ErrorCode.brokenPipe { Platform.exit(fd == 1 ? 141 : 1) }
            if result <= 0 { return }
            written += result
        }
    }

    func readLine() async -> String? {
        await LineReader.next()
    }
}
