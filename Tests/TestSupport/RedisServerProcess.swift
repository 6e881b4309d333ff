import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `redis-server` child on a free loopback port with its own temporary directory and no persistence, for tests
/// of coordination through Redis. `stop()` and `restart()` let a test take Redis away mid-run and bring it back on
/// the same port.
public final class RedisServerProcess: Sendable {
    /// The port it listens on (kept across restarts).
    public let port: Int
    /// The password it requires, if any.
    public let password: String?
    private let directory: String
    private let process = Locked<Process?>(nil)

    /// Why Redis did not come up.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `redis-server` (requiring `password` when given) and waits until it answers.
    public init(password: String? = nil) throws {
        self.password = password
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("redis-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        try start()
    }

    /// `redis://[:password@]127.0.0.1:port/db`.
    public func url(database: Int = 0) -> String {
        "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/\(database)"
    }

    /// Starts the server again on the same port after ``stop()``.
    public func start() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        var arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                         "--dir", directory, "--logfile", directory + "/redis.log"]
        if let password { arguments += ["--requirepass", password] }
        child.arguments = arguments
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        do {
            try ChildProcesses.run(child)
        } catch {
            throw StartError(description: "cannot run redis-server: \(error); install the redis-server package")
        }
        process.withLock { $0 = child }
        for _ in 0..<200 {
            if Self.accepts(port: port) { return }
            guard child.isRunning else { break }
            usleep(25_000)
        }
        throw StartError(description: "redis-server did not listen on port \(port); see \(directory)/redis.log")
    }

    /// Stops the server (SIGKILL: no goodbye to clients, like a crash or a lost machine) and waits for it.
    public func stop() {
        process.withLock { child in
            guard let running = child else { return }
            if running.isRunning { kill(running.processIdentifier, SIGKILL) }
            running.waitUntilExit()
            child = nil
        }
    }

    /// Freezes the server (SIGSTOP): connections stay open but nothing answers, like a hung or partitioned host.
    public func pause() {
        process.withLock { child in if let child, child.isRunning { kill(child.processIdentifier, SIGSTOP) } }
    }

    /// Lets a paused server go on (SIGCONT).
    public func resume() {
        process.withLock { child in if let child, child.isRunning { kill(child.processIdentifier, SIGCONT) } }
    }

    deinit {
        resume()
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw StartError(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
