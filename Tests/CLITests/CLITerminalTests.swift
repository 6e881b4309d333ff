import Foundation
import Testing
import TestSupport
@testable import DuvoCLI

@Suite("duvo runs on a real terminal (tmux), as a person uses it")
struct CLITerminalTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test("the quick start: start --agent approval --follow --simulate asks, 'y' Enter approves, the run completes",
          .enabled(if: tmux != nil, "needs tmux (apt-get install tmux) and timeout to type into a real terminal"))
    func quickStart() async throws {
        let tmux = try #require(Self.tmux)
        let cli = CLIHarness(environment: ["DUVO_SIM_SPEED": "20"])
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-tmux-\(UUID().uuidString)")
            .path
        let environment = cli.merged([:])
        func run(_ arguments: [String], timeout: Double = 30) async throws -> CLIResult {
            try await onDedicatedThread {
                try Self.run(tmux, ["-S", socket] + arguments, environment: environment, timeout: timeout)
            }
        }
        let command = "\(DuvoBinary.path) runs start --agent approval --follow --simulate; echo \"exit=$?\"; "
            + "\(tmux) -S \(socket) wait-for -S done; sleep 600"
        let created = try await run(["new-session", "-d", "-s", "duvo", "-x", "160", "-y", "50", command])
        #expect(created.status == 0, "\(created)")
        defer {
            _ = try? Self.run(tmux, ["-S", socket, "kill-server"], environment: environment, timeout: 30)
            try? FileManager.default.removeItem(atPath: socket)
        }
        // The screen is the only thing to watch: read it until the question shows (or give up after 60 s).
        var screen = ""
        let deadline = Date().addingTimeInterval(60)
        while !screen.contains("Approve? [y]es / [n]o"), Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            screen = try await run(["capture-pane", "-p", "-t", "duvo"]).stdout
        }
        #expect(screen.contains("Waiting for a human: Send the weekly sales report?"), "\(screen)")
        #expect(try await run(["send-keys", "-t", "duvo", "y", "Enter"]).status == 0)
        #expect(try await run(["wait-for", "done"], timeout: 60).status == 0, "the command ended")
        screen = try await run(["capture-pane", "-p", "-t", "duvo"]).stdout
        #expect(screen.contains("✓ Approved."), "\(screen)")
        #expect(screen.contains("Approved: I sent the report to 3 recipients."), "\(screen)")
        #expect(screen.contains("completed."), "\(screen)")
        #expect(screen.contains("exit=0"), "\(screen)")
        await cli.stopSharedSimulator()
    }

    /// Runs a tmux client command to its end (killed after `timeout` seconds), its output in a file.
    ///
    /// Not through Foundation's `Process`: its wait never returns once `new-session` has forked the tmux server.
    /// The same detached spawn as the shared simulator's (every other descriptor closed, so the server keeps none
    /// of this process's pipes), reaped with `waitpid`.
    private static func run(_ tmux: String, _ arguments: [String], environment: [String: String], timeout: Double)
        throws -> CLIResult
    {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-tmux-\(UUID().uuidString)")
        let fd = open(output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw HarnessError("cannot create \(output.path)") }
        defer { try? FileManager.default.removeItem(at: output) }
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(null) }
        let pid = try DetachedProcess.spawn(
            "/usr/bin/timeout", arguments: [String(Int(timeout)), tmux] + arguments, environment: environment,
            outputFD: fd, logFD: null)
        close(fd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = String(decoding: try Data(contentsOf: output), as: UTF8.self)
        return CLIResult(status: (status >> 8) & 0xff, stdout: text, stderr: "")
    }
}
