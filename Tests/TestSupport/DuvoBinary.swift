import Foundation

/// The built `duvo` executable that end-to-end tests spawn.
public enum DuvoBinary {
    /// `DUVO_BIN` when set (needed when building with another `--scratch-path`), else
    /// `<package root>/.build/debug/duvo`.
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["DUVO_BIN"], !override.isEmpty { return override }
        return PackagePaths.root.appendingPathComponent(".build/debug/duvo").path
    }

    /// Runs `duvo` with `arguments` to completion and returns its exit code, stdout and stderr.
    public static func run(_ arguments: [String], timeout: TimeInterval = 30) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let (stdout, stderr) = try ChildProcesses.runCapturing(process)
        if !stdout.waitForEnd(timeout: timeout) { process.terminate() }
        process.waitUntilExit()
        stderr.waitForEnd(timeout: 5)
        return (process.terminationStatus, stdout.text, stderr.text)
    }
}
