import Foundation
import Testing
import TestSupport

@Suite("duvo runs: colour, the live status line, and secrets")
struct CLIOutputTests {
    static let escape = "\u{1B}["

    /// Follows an approval run to its first pending request and approves it, returning what the follow printed.
    private func followApproval(_ cli: CLIHarness, environment: [String: String] = [:]) throws -> CLIResult {
        let runID = try cli.start("approval")
        let follow = try cli.spawn(["runs", "messages", runID, "--follow"], environment: environment)
        try follow.waitForOutput("--deny")
        _ = try cli.runs(["respond", runID, "--approve"])
        return follow.finish()
    }

    @Test("piped output is plain text: no escape codes, no status line")
    func plainWhenPiped() throws {
        let result = try followApproval(try CLIHarness.simulated())
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Waiting for a human: Send the weekly sales report?"))
        #expect(!result.stdout.contains(Self.escape))
        #expect(!result.stdout.contains("\r"))
    }

    @Test("CLICOLOR_FORCE colours piped output, and NO_COLOR turns colour off even then")
    func colourSwitches() throws {
        let cli = try CLIHarness.simulated()
        let forced = try followApproval(cli, environment: ["CLICOLOR_FORCE": "1"])
        #expect(forced.stdout.contains(Self.escape + "1;33m"), "the human request is highlighted: \(forced)")
        let both = try followApproval(cli, environment: ["CLICOLOR_FORCE": "1", "NO_COLOR": "1"])
        #expect(both.status == 0)
        #expect(!both.stdout.contains(Self.escape))
    }

    @Test("--json output never carries colour, even when forced")
    func jsonIsPlain() throws {
        let cli = try CLIHarness.simulated(environment: ["CLICOLOR_FORCE": "1"])
        let runID = try cli.start("echo")
        let result = try cli.runs(["messages", runID, "--follow", "--json"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains(Self.escape))
        #expect(try result.jsonLines.last?["final"] == true)
    }

    static let hasScript = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")

    @Test("on a terminal, the follow draws a live status line that it erases and redraws",
          .enabled(if: hasScript, "needs util-linux 'script' for a pseudo-terminal"))
    func liveStatusOnTerminal() throws {
        let cli = try CLIHarness.simulated()
        let runID = try cli.start("echo")
        let command = "\(DuvoBinary.path) runs messages \(runID) --follow"
        let result = try cli.run(executable: "/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\r\u{1B}[K"), "the status line is erased in place")
        #expect(result.stdout.contains(Self.escape + "32mcompleted"), "colour on a terminal")
    }

    @Test("a custom key never appears on stdout or stderr, whatever the command and log level")
    func keyNeverPrinted() throws {
        let key = "dv_cli_secret_7d1e4b9a03"
        let cli = try CLIHarness.simulated(["--api-key", "\(key):local-team"],
                                           environment: ["DUVO_API_KEY": key, "DUVO_LOG_LEVEL": "trace"])
        let runID = try cli.start("approval")
        var outputs = [
            try cli.runs(["get", runID]), try cli.runs(["messages", runID, "--json"]),
            try cli.runs(["wait", runID, "--until", "attention"]), try cli.runs(["respond", runID, "--approve"]),
            try cli.runs(["messages", runID, "--follow", "--json"]), try cli.runs(["list"]), try cli.runs(["stats"]),
            try cli.runs(["get", CLIExitCodeTests.unknownRun]),
        ]
        outputs.append(try cli.runs(["get", runID], environment: ["DUVO_API_KEY": key + "x"]))
        #expect(outputs.last?.status == 3)
        for output in outputs {
            #expect(!output.stdout.contains(key) && !output.stderr.contains(key), "\(output)")
        }
    }
}
