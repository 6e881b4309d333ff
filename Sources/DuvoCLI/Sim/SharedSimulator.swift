import Diagnostics
import DuvoSimulator
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KeyCoordination
import Platform

/// The one background simulator per user that `duvo runs ... --simulate` shares, so a run started by one command
/// can be read and answered by the next, as with the real Duvo.
///
/// It lives in the user's ``RuntimeDirectory``: `sim.json` (its URL, its key drawn at random when it started, team,
/// pid; its modification time is the last request), `sim.alive` (locked by the simulator for as long as it runs, so a crashed one is never taken
/// for alive), `sim.lock` (held while one is being started, so two commands never start two) and `sim.log`
/// (its stderr), each opened with ``OwnedFile`` so that nothing planted there is followed or believed. It accepts only
/// its own key, so another user of the machine cannot use it. It stops on `duvo sim stop` or by itself after its idle
/// time without a request.
struct SharedSimulator: Sendable {
    /// How long a shared simulator waits without a request before it stops itself (15 minutes).
    static let defaultIdleTimeout: Double = 15 * 60
    /// The environment variable that overrides ``defaultIdleTimeout`` (seconds) for simulators started from now on.
    static let idleTimeoutVariable = "DUVO_SIM_IDLE_TIMEOUT"

    /// The runtime directory it lives in.
    let directory: RuntimeDirectory

    /// The shared simulator of the user `environment` belongs to (`DUVO_RUNTIME_DIR` picks another place).
    /// - Throws: ``SharedSimulatorError/runtime(_:)`` when the runtime directory is unusable.
    init(environment: [String: String]) throws(SharedSimulatorError) {
        do {
            directory = try RuntimeDirectory.current(environment: environment)
        } catch {
            throw .runtime(error.description)
        }
    }

    var statePath: String { directory.file("sim.json") }
    var logPath: String { directory.file("sim.log") }
    var aliveLockPath: String { directory.file("sim.alive") }
    private var startLockPath: String { directory.file("sim.lock") }

    /// The state of the shared simulator if one is running (its `sim.alive` lock is held), else nil.
    /// - Throws: ``SharedSimulatorError/runtime(_:)`` when the files cannot be read.
    func running() throws(SharedSimulatorError) -> SharedSimulatorState? {
        let probe = try FileLock(path: aliveLockPath)
        if probe.tryLock() {
            // Nobody holds it: whatever `sim.json` says is left over from a simulator that died.
            probe.unlock()
            return nil
        }
        return try readState()
    }

    /// Seconds since the running simulator last received a request (the state file's modification time).
    func idleSeconds() -> Double? {
        guard let fd = openState(Platform.OpenFlag.readOnly) else { return nil }
        defer { Platform.close(fd) }
        guard let info = Platform.status(fd: fd) else { return nil }
        return max(0, Date().timeIntervalSince1970 - info.modified)
    }

    /// The running shared simulator, started first (detached, from `executable`) when none runs.
    /// - Parameters:
    ///   - speed: the clock speed for a simulator started now (a running one keeps its own).
    ///   - environment: the environment the simulator is started with.
    /// - Throws: ``SharedSimulatorError`` when it cannot be started or does not answer.
    func connect(speed: Double, executable: String, environment: [String: String]) async throws(SharedSimulatorError)
        -> SharedSimulatorState
    {
        if let state = try running() {
            try await checkAnswers(state)
            return state
        }
        let startLock = try FileLock(path: startLockPath)
        guard await BlockingExecutor.shared.run({ startLock.lock(waitingUpTo: 30) }) else {
            throw .cannotStart("another duvo has been starting it for 30 s; see \(logPath)")
        }
        defer { startLock.unlock() }
        if let state = try running() {
            try await checkAnswers(state)
            return state
        }
        let state = try await BlockingExecutor.shared.run { () throws(SharedSimulatorError) in
            try start(speed: speed, executable: executable, environment: environment)
        }
        try await checkAnswers(state)
        return state
    }

    /// What ``stop()`` did.
    enum Stopped: Sendable {
        /// No simulator was running.
        case none
        /// This simulator was running and has stopped.
        case stopped(SharedSimulatorState)
        /// `sim.json` named a process that is not this directory's simulator (the reason says why): it was left
        /// alone and the state file removed.
        case stale(pid: Int32, reason: String)
    }

    /// Stops the running shared simulator (SIGTERM, then SIGKILL if it has not gone within 10 s), after checking
    /// that the pid in `sim.json` is that simulator (see ``impostorReason(pid:aliveLock:)``).
    func stop() async throws(SharedSimulatorError) -> Stopped {
        guard let state = try running() else { return .none }
        let alive = try FileLock(path: aliveLockPath)
        if let reason = impostorReason(pid: state.pid, aliveLock: alive) {
            Platform.unlink(statePath)
            return .stale(pid: state.pid, reason: reason)
        }
        Platform.send(.terminate, to: state.pid)
        if await !BlockingExecutor.shared.run({ alive.lock(waitingUpTo: 10) }) {
            Platform.send(.kill, to: state.pid)
            guard await BlockingExecutor.shared.run({ alive.lock(waitingUpTo: 5) }) else {
                throw .runtime("the shared simulator (pid \(state.pid)) did not stop")
            }
        }
        alive.unlock()
        removeState(ifOwnedBy: state.pid)
        return .stopped(state)
    }

    // MARK: - State file

    /// Reads `sim.json`, or nil when there is none. The key in it is registered with ``SecretRedactor``, so no
    /// output of this process shows it.
    func readState() throws(SharedSimulatorError) -> SharedSimulatorState? {
        let data: [UInt8]
        do {
            guard let bytes = try OwnedFileContents.read(statePath, limit: 64 * 1024) else { return nil }
            data = bytes
        } catch {
            throw .runtime("\(error); remove it, or run 'duvo sim stop'")
        }
        let state: SharedSimulatorState
        do {
            state = try JSONDecoder().decode(SharedSimulatorState.self, from: Data(data))
        } catch {
            throw .runtime("cannot read \(statePath) (\(error)); remove it, or run 'duvo sim stop'")
        }
        guard SimulatedClock.accepts(speed: state.speed),
              SharedSimulatorState.accepts(idleTimeout: state.idleTimeoutSeconds), state.startedAt.isFinite else {
            throw .runtime("cannot read \(statePath) (its speed or idle timeout is out of range); remove it, or run "
                + "'duvo sim stop'")
        }
        SecretRedactor.register(state.apiKey)
        return state
    }

    /// Writes `sim.json` atomically (a reader never sees half of it), mode 0600.
    func write(_ state: SharedSimulatorState) throws(SharedSimulatorError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(state)
        } catch {
            throw .runtime("cannot write \(statePath): \(error)")
        }
        let temporary = statePath + ".\(Platform.processID()).tmp"
        do {
            try OwnedFileContents.write(Array(data), to: temporary)
        } catch {
            throw .runtime("cannot write \(statePath): \(error)")
        }
        guard Platform.rename(temporary, to: statePath) == 0 else {
            let reason = Platform.lastErrorDescription()
            Platform.unlink(temporary)
            throw .runtime("cannot replace \(statePath): \(reason)")
        }
    }

    /// Sets the state file's modification time to when the last request arrived, for `duvo sim status`.
    func noteActivity(secondsAgo: Double) {
        guard let fd = openState(Platform.OpenFlag.writeOnly) else { return }
        defer { Platform.close(fd) }
        Platform.setTimes(fd: fd, seconds: Date().timeIntervalSince1970 - secondsAgo)
    }

    /// `sim.json` opened with `flags`, or nil when it is not there or not this user's own file (``readState()``
    /// says which).
    private func openState(_ flags: Int32) -> Int32? {
        do {
            return try OwnedFile.open(statePath, flags: flags)
        } catch {
            return nil
        }
    }

    /// Removes `sim.json` if it still names `pid` (a newer simulator's file is left alone).
    func removeState(ifOwnedBy pid: Int32) {
        do {
            guard let state = try readState(), state.pid == pid else { return }
            Platform.unlink(statePath)
        } catch {
            // An unreadable file is not ours to judge; `duvo sim stop` reports it.
        }
    }

    // MARK: - Starting

    private func start(speed: Double, executable: String, environment: [String: String])
        throws(SharedSimulatorError) -> SharedSimulatorState
    {
        guard let pipe = Platform.pipe() else {
            throw .cannotStart("no pipe: \(Platform.lastErrorDescription())")
        }
        // Close-on-exec, so no other child this process spawns keeps the starter waiting for end of file.
        Platform.setCloseOnExec(pipe.read)
        Platform.setCloseOnExec(pipe.write)
        let log: Int32
        do {
            log = try OwnedFile.open(
                logPath, flags: Platform.OpenFlag.writeOnly | Platform.OpenFlag.create | Platform.OpenFlag.append)
        } catch {
            Platform.close(pipe.read)
            Platform.close(pipe.write)
            throw .cannotStart(error.description)
        }
        let pid: Int32
        do {
            pid = try DetachedProcess.spawn(
                executable, arguments: ["sim", "serve-shared", "--speed", String(speed)],
                environment: environment, outputFD: pipe.write, logFD: log)
        } catch {
            Platform.close(pipe.read)
            Platform.close(pipe.write)
            Platform.close(log)
            throw .cannotStart(error.description)
        }
        Platform.close(pipe.write)
        Platform.close(log)
        // Reap it when it ends, so a long-lived parent (a test process) is not left with a zombie.
        BlockingExecutor.shared.submit { Platform.waitForExit(of: pid) }
        let line = Self.readLine(from: pipe.read, timeoutSeconds: 20)
        Platform.close(pipe.read)
        guard let line, line.hasPrefix("http") else {
            throw .cannotStart("it printed no address (see \(logPath))")
        }
        guard let state = try readState(), state.pid == pid else {
            throw .cannotStart("it wrote no \(statePath) (see \(logPath))")
        }
        return state
    }

    /// The first line written to `fd`, waiting up to `timeoutSeconds` for it.
    private static func readLine(from fd: Int32, timeoutSeconds: Double) -> String? {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var buffer = [UInt8](repeating: 0, count: 256)
        while !bytes.contains(UInt8(ascii: "\n")) {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return nil }
            let ready = Platform.poll(fd, for: .readable, timeoutMilliseconds: Int32(remaining * 1000)).count
            if ready < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard ready > 0 else { return nil }
            let count = buffer.withUnsafeMutableBytes { Platform.read(fd: fd, into: $0) }
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\n").first.map(String.init)
    }

    // MARK: - Answering

    /// Checks that the simulator answers HTTP and takes its key (any other status will do: it is serving).
    private func checkAnswers(_ state: SharedSimulatorState) async throws(SharedSimulatorError) {
        guard let url = URL(string: state.url + "/v1/runs/00000000-0000-4000-8000-000000000000") else {
            throw .notAnswering(url: state.url, pid: state.pid, reason: "not a URL")
        }
        var request = URLRequest(url: url, timeoutInterval: 5)
        request.setValue("Bearer \(state.apiKey)", forHTTPHeaderField: "Authorization")
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            guard let response = response as? HTTPURLResponse else {
                throw SharedSimulatorError.notAnswering(url: state.url, pid: state.pid, reason: "not HTTP")
            }
            guard response.statusCode != 401 else {
                throw SharedSimulatorError.notAnswering(url: state.url, pid: state.pid,
                                                        reason: "it refuses the key in \(statePath)")
            }
        } catch let error as SharedSimulatorError {
            throw error
        } catch {
            throw .notAnswering(url: state.url, pid: state.pid, reason: error.localizedDescription)
        }
    }
}
