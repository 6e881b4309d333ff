import ArgumentKit
import Diagnostics
import DuvoSimulator
import Foundation
import JSONCore
import Platform

/// `duvo sim status`, `duvo sim stop` and `duvo sim serve-shared`: the shared background simulator.
extension SimCommand {
    static func status(_ parsed: ParsedCommand, context: CommandContext) throws -> ExitCode {
        let shared = try SharedSimulator(environment: context.environment)
        let state = try shared.running()
        let idle = state == nil ? nil : shared.idleSeconds()
        if parsed.flag("json") {
            var json: JSONValue = ["running": .bool(state != nil), "state_file": .string(shared.statePath)]
            if let state {
                json["url"] = .string(state.url)
                json["pid"] = .int(Int(state.pid))
                json["team_id"] = .string(state.team)
                json["speed"] = .double(state.speed)
                json["idle_seconds"] = idle.map { JSONValue.int(Int($0)) } ?? .null
                json["idle_timeout_seconds"] = .int(Int(state.idleTimeoutSeconds))
            }
            context.print(JSONWriter(sortedKeys: true).string(json))
            return state == nil ? .refused : .success
        }
        guard let state else {
            context.print("No shared simulator is running; 'duvo runs ... --simulate' starts one.")
            return .refused
        }
        context.print("""
            Shared simulator running at \(state.url) (pid \(state.pid), speed \(Self.number(state.speed))x)
              team \(state.team); its key (yours alone) is in \(shared.statePath)
              idle \(Self.duration(idle ?? 0)); stops itself after \(Self.duration(state.idleTimeoutSeconds)) idle
              state \(shared.statePath), log \(shared.logPath)
            """)
        return .success
    }

    static func stop(context: CommandContext) async throws -> ExitCode {
        let shared = try SharedSimulator(environment: context.environment)
        switch try await shared.stop() {
        case .stopped(let state):
            context.print("Stopped the shared simulator at \(state.url) (pid \(state.pid)).")
        case .none:
            context.print("No shared simulator is running.")
        case .stale(_, let reason):
            context.print("No shared simulator is running: \(shared.statePath) was stale (\(reason)); "
                + "left that process alone and removed the file.")
        }
        return .success
    }

    /// Serves as the shared simulator: holds `sim.alive`, writes `sim.json`, prints the URL for the starter, then
    /// serves until cancelled or idle for its idle time, and cleans up after itself.
    static func serveShared(_ parsed: ParsedCommand, context: CommandContext) async throws -> ExitCode {
        var configuration = try configuration(parsed)
        configuration.host = "127.0.0.1"
        configuration.port = 0
        guard let idleTimeout = try parsed.double("idle-timeout"),
              SharedSimulatorState.accepts(idleTimeout: idleTimeout) else {
            throw UsageError("option '--idle-timeout' expects seconds above 0 and at most "
                + "\(Int(SharedSimulatorState.longestIdleTimeout))", commandPath: parsed.commandPath)
        }
        let shared = try SharedSimulator(environment: context.environment)
        let alive = try FileLock(path: shared.aliveLockPath)
        // Waits a little: a 'duvo sim status' may be probing the lock at this very moment.
        guard await BlockingExecutor.shared.run({ alive.lock(waitingUpTo: 5) }) else {
            context.printError("error: a shared simulator is already running; see 'duvo sim status'")
            return .refused
        }
        defer { alive.unlock() }
        // A key of its own, not the documented one: it listens on loopback, where every user of the machine can
        // reach it, and only this user can read sim.json.
        let key = Credentials.randomKey()
        configuration.credentials = try Credentials(apiKeys: [key], teams: [DefaultCredentials.team])
        let simulator = try Simulator(configuration: configuration)
        let url = try simulator.start()
        let pid = Platform.processID()
        try shared.write(SharedSimulatorState(
            url: url, apiKey: key, team: DefaultCredentials.team, pid: pid,
            speed: configuration.speed, idleTimeoutSeconds: idleTimeout,
            startedAt: Date().timeIntervalSince1970, version: DuvoTool.version))
        defer {
            simulator.stop()
            shared.removeState(ifOwnedBy: pid)
        }
        context.print(url)
        let logger = configuration.logger
        logger.info("shared simulator at \(url); stops after \(Self.duration(idleTimeout)) without a request")
        while !Task.isCancelled {
            let idle = Double(simulator.idleDuration.components.seconds)
            if idle >= idleTimeout {
                logger.info("no request for \(Self.duration(idle)): stopping")
                break
            }
            shared.noteActivity(secondsAgo: idle)
            do {
                try await Task.sleep(for: .seconds(min(5, max(0.05, idleTimeout - idle))))
            } catch {
                break
            }
        }
        return .success
    }

    /// Seconds as `42s`, `3m05s` or `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" + String(format: "%02ds", total % 60) }
        return "\(total / 3600)h" + String(format: "%02dm", (total % 3600) / 60)
    }

    /// `1` for 1.0, `2.5` for 2.5.
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
