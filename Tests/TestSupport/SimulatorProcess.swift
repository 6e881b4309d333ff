import Foundation

/// A `duvo sim` child process on a free port, for tests that must cover the real binary.
///
/// It reads the base URL from the first stdout line; `stop()` (or deinit) sends SIGTERM and reaps it.
public final class SimulatorProcess: Sendable {
    /// The base URL the simulator printed, e.g. `http://127.0.0.1:41234`.
    public let baseURL: String
    private let process: Locked<Process>
    private let stdout: PipeReader
    /// Everything the child writes to stderr.
    public let stderr: PipeReader

    /// Why the simulator did not come up.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong, with the child's stderr.
        public let message: String
        public var description: String { message }
    }

    /// Spawns `duvo sim --port 0 --speed <speed> <extraArguments>` and waits (up to 20 s) for its URL line.
    public init(speed: Double = 1, extraArguments: [String] = []) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DuvoBinary.path)
        process.arguments = ["sim", "--port", "0", "--speed", String(speed)] + extraArguments
        let lines = DispatchSemaphore(value: 0)
        do {
            (stdout, stderr) = try ChildProcesses.runCapturing(process) { chunk in
                if chunk.contains(0x0A) { lines.signal() }
            }
        } catch {
            throw StartError(message: "cannot run \(DuvoBinary.path): \(error); build it first or set DUVO_BIN")
        }
        self.process = Locked(process)
        _ = lines.wait(timeout: .now() + 20)
        let line = stdout.text.split(separator: "\n").first.map(String.init)
        guard let line, line.hasPrefix("http://") else {
            process.terminate()
            process.waitUntilExit()
            stderr.waitForEnd(timeout: 5)
            throw StartError(
                message:
                    "duvo sim printed \(line.map { "'\($0)'" } ?? "nothing") instead of its URL; "
                    + "stderr:\n\(stderr.text)"
            )
        }
        self.baseURL = line
    }

    /// Everything the child printed on stdout (the URL line, and nothing else if it behaves).
    public var stdoutText: String { stdout.text }

    /// Whether the child is still running.
    public var isRunning: Bool { process.withLock { $0.isRunning } }

    /// Sends SIGTERM, waits for the exit and returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        process.withLock { process in
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    deinit { stop() }
}
