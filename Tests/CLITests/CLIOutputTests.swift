import Foundation
import Testing
import TestSupport

@Suite("duvo runs: colour, the live status line, and secrets")
struct CLIOutputTests {
    static let escape = "\u{1B}["

    /// Follows an approval run to its first pending request and approves it, returning what the follow printed.
    private func followApproval(_ cli: CLIHarness, environment: [String: String] = [:]) async throws -> CLIResult {
        let runID = try await cli.start("approval")
        let follow = cli.background(["runs", "messages", runID, "--follow"], environment: environment)
        try await follow.waitForOutput("--deny")
        _ = try await cli.runs(["respond", runID, "--approve"])
        return await follow.finish()
    }

    @Test("piped output is plain text: no escape codes, no status line")
    func plainWhenPiped() async throws {
        let result = try await followApproval(try await CLIHarness.simulated())
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Waiting for a human: Send the weekly sales report?"))
        #expect(!result.stdout.contains(Self.escape))
        #expect(!result.stdout.contains("\r"))
    }

    @Test("CLICOLOR_FORCE colours piped output, and NO_COLOR turns colour off even then")
    func colourSwitches() async throws {
        let cli = try await CLIHarness.simulated()
        let forced = try await followApproval(cli, environment: ["CLICOLOR_FORCE": "1"])
        #expect(forced.stdout.contains(Self.escape + "1;33m"), "the human request is highlighted: \(forced)")
        let both = try await followApproval(cli, environment: ["CLICOLOR_FORCE": "1", "NO_COLOR": "1"])
        #expect(both.status == 0)
        #expect(!both.stdout.contains(Self.escape))
    }

    @Test("--json output never carries colour, even when forced")
    func jsonIsPlain() async throws {
        let cli = try await CLIHarness.simulated(environment: ["CLICOLOR_FORCE": "1"])
        let runID = try await cli.start("echo")
        let result = try await cli.runs(["messages", runID, "--follow", "--json"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains(Self.escape))
        #expect(try result.jsonLines.last?["final"] == true)
    }

    static let hasScript = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")

    @Test("on a terminal, the follow draws a live status line that it erases and redraws",
          .enabled(if: hasScript, "needs util-linux 'script' for a pseudo-terminal"))
    func liveStatusOnTerminal() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("echo")
        let command = "\(DuvoBinary.path) runs messages \(runID) --follow"
        let result = try await cli.run(executable: "/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\r\u{1B}[K"), "the status line is erased in place")
        #expect(result.stdout.contains(Self.escape + "32mcompleted"), "colour on a terminal")
    }

    @Test("on a terminal, log lines never run into the live status line",
          .enabled(if: hasScript, "needs util-linux 'script' for a pseudo-terminal"))
    func logLinesAboveLiveStatus() async throws {
        let cli = try await CLIHarness.simulated()
        // A run that speaks for a few seconds, followed at trace level: each of its reads is logged while the
        // follow's status line is up.
        let runID = try await cli.start("slow")
        let command = "\(DuvoBinary.path) runs messages \(runID) --follow --log-level trace"
        let result = try await cli.run(executable: "/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(result.status == 0, "\(result)")
        // On the terminal stderr and stdout are one stream: each log line must start a line of its own, after a
        // newline or with the status line erased (`\r` + erase to end of line), never after the status's text.
        let erase = "\r\u{1B}[K"
        let output = result.stdout
        let logStarts = output.ranges(of: "duvo runs: ").map(\.lowerBound)
        let afterStatus = logStarts.filter { start in output[..<start].range(of: erase) != nil }
        #expect(!afterStatus.isEmpty, "some lines were logged while the status line was up: \(output.debugDescription)")
        for start in logStarts {
            let before = output[..<start]
            // (By bytes: the terminal writes "\r\n", which Swift counts as one character.)
            #expect(before.isEmpty || before.utf8.last == UInt8(ascii: "\n") || before.hasSuffix(erase),
                    "a log line runs into what was before it: \(String(before.suffix(80)).debugDescription)")
        }
    }

    @Test("a custom key never appears on stdout or stderr (logs included), whatever the command and log level")
    func keyNeverPrinted() async throws {
        let key = "dv_cli_secret_7d1e4b9a03"
        let cli = try await CLIHarness.simulated(["--api-key", "\(key):local-team"],
                                           environment: ["DUVO_API_KEY": key, "DUVO_LOG_LEVEL": "trace"])
        let runID = try await cli.start("approval")
        // The built binary, so that its logs (written straight to fd 2) are read too.
        let commands = [
            ["get", runID], ["messages", runID, "--json"], ["wait", runID, "--until", "attention"],
            ["respond", runID, "--approve"], ["messages", runID, "--follow", "--json"], ["list"], ["stats"],
            ["get", CLIExitCodeTests.unknownRun],
        ]
        var outputs: [CLIResult] = []
        for command in commands { outputs.append(try await cli.runProcess(["runs"] + command)) }
        outputs.append(try await cli.runProcess(["runs", "get", runID], environment: ["DUVO_API_KEY": key + "x"]))
        #expect(outputs.last?.status == 3)
        for output in outputs {
            #expect(!output.stdout.contains(key) && !output.stderr.contains(key), "\(output)")
        }
    }
}
