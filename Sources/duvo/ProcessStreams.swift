import DuvoCLI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's own stdin, stdout and stderr (fds 0, 1, 2) for ``DuvoTool``.
struct ProcessStreams: StandardStreams {
    /// The running `duvo` binary, started again as the shared simulator.
    static var executablePath: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments.first ?? "duvo" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    let outputIsTerminal = isatty(1) == 1
    let inputIsTerminal = isatty(0) == 1

    /// Writes all of `text`, retrying short writes. A reader that went away (`| head`) ends the process quietly,
    /// as SIGPIPE would: there is no one left to tell.
    func write(_ text: String, to stream: DuvoCLI.OutputStream) {
        let fd: Int32 = stream == .output ? 1 : 2
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(fd, base + written, raw.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            if result < 0 && errno == EPIPE { exit(fd == 1 ? 141 : 1) }
            if result <= 0 { return }
            written += result
        }
    }

    func readLine() async -> String? {
        await LineReader.next()
    }
}
