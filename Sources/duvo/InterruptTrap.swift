import Dispatch
import DuvoCLI
import Platform

/// Turns Ctrl-C (SIGINT) and SIGTERM into cancellation of the command's task, so a follow or wait can erase its
/// status line and a simulator can stop before the process exits: the only place `duvo` handles those signals
/// outside `duvo rpc`.
enum InterruptTrap {
    /// How long a cancelled command may take to wind down before the process exits anyway.
    static let graceSeconds = 2.0

    /// Waits for `task`, cancelling it on SIGINT or SIGTERM; a command that does not end within
    /// ``graceSeconds`` of the signal is ended with exit status 130.
    static func value(of task: Task<ExitCode, Never>) async -> ExitCode {
        var sources: [any DispatchSourceSignal] = []
        for signal in [Platform.Signal.interrupt, .terminate] {
            Platform.ignore(signal)
            let source = DispatchSource.makeSignalSource(signal: signal.number, queue: .global())
            source.setEventHandler {
                task.cancel()
                DispatchQueue.global().asyncAfter(deadline: .now() + graceSeconds) {
                    Platform.exit(ExitCode.interrupted.rawValue)
                }
            }
            source.resume()
            sources.append(source)
        }
        let code = await task.value
        for source in sources { source.cancel() }
        return code
    }
}
