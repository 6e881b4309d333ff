import DuvoCLI
import Foundation
import TestSupport

/// Standard streams for a command run inside the test process: keeps what it writes, pretends to be a terminal
/// when asked, and answers its prompts with lines the test types.
final class CapturedStreams: StandardStreams {
    private struct State {
        var stdout = ""
        var stderr = ""
        var typed: [String] = []
        var inputClosed = false
        var reader: CheckedContinuation<String?, Never>?
        var watchers: [UUID: (text: String, continuation: CheckedContinuation<Bool, Never>)] = [:]
    }

    let outputIsTerminal: Bool
    let inputIsTerminal: Bool
    private let state = Locked(State())

    /// Streams that are pipes (`terminal: false`) or a terminal on both ends.
    init(terminal: Bool = false) {
        outputIsTerminal = terminal
        inputIsTerminal = terminal
    }

    /// Everything written to stdout so far.
    var stdout: String { state.withLock { $0.stdout } }
    /// Everything written to stderr so far.
    var stderr: String { state.withLock { $0.stderr } }

    func write(_ text: String, to stream: DuvoCLI.OutputStream) {
        let ready = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            if stream == .output { state.stdout += text } else { state.stderr += text }
            let output = state.stdout
            let met = state.watchers.filter { output.contains($0.value.text) }
            for id in met.keys { state.watchers[id] = nil }
            return met.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    func readLine() async -> String? {
        await withCheckedContinuation { continuation in
            let line = state.withLock { state -> String?? in
                if !state.typed.isEmpty { return .some(state.typed.removeFirst()) }
                if state.inputClosed { return .some(nil) }
                state.reader = continuation
                return nil
            }
            if let line { continuation.resume(returning: line) }
        }
    }

    /// Types `line` (without its newline) for the next prompt.
    func type(_ line: String) {
        let reader = state.withLock { state -> CheckedContinuation<String?, Never>? in
            guard let reader = state.reader else {
                state.typed.append(line)
                return nil
            }
            state.reader = nil
            return reader
        }
        reader?.resume(returning: line)
    }

    /// Ends the input, as Ctrl-D does.
    func closeInput() {
        let reader = state.withLock { state -> CheckedContinuation<String?, Never>? in
            state.inputClosed = true
            defer { state.reader = nil }
            return state.reader
        }
        reader?.resume(returning: nil)
    }

    /// Returns once stdout contains `text`; throws after `timeout` seconds without it.
    func waitForOutput(_ text: String, timeout: Double = 30) async throws {
        let id = UUID()
        let timer = Task {
            try? await Task.sleep(for: .seconds(timeout))
            let watcher = self.state.withLock { $0.watchers.removeValue(forKey: id) }
            watcher?.continuation.resume(returning: false)
        }
        let found = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let now = state.withLock { state -> Bool in
                if state.stdout.contains(text) { return true }
                state.watchers[id] = (text, continuation)
                return false
            }
            if now { continuation.resume(returning: true) }
        }
        timer.cancel()
        guard found else {
            throw HarnessError("no '\(text)' on stdout within \(timeout) s; stdout:\n\(stdout)\nstderr:\n\(stderr)")
        }
    }
}
