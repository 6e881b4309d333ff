import Foundation
import Testing
import TestSupport

@Suite("duvo runs --follow on a terminal: answering a pending request on the spot")
struct CLIPromptTests {
    @Test("an approval is asked on the terminal; 'y' approves and the follow goes on to the end")
    func approve() async throws {
        let cli = try await CLIHarness.simulated()
        let terminal = CapturedStreams(terminal: true)
        let follow = cli.background(["runs", "start", "--agent", try SimAgents.id("approval"), "--follow"],
                                    environment: ["NO_COLOR": "1"], streams: terminal)
        try await follow.waitForOutput("Approve? [y]es / [n]o")
        terminal.type("y")
        let result = await follow.finish()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("✓ Approved."), "\(result)")
        #expect(result.stdout.contains("Approved: I sent the report to 3 recipients."), "\(result)")
        #expect(!result.stdout.contains("--approve"), "no respond command when the person was asked")
        #expect(result.stdout.hasSuffix("completed.\n"), "\(result)")
    }

    @Test("with another process on the key (sweeps watch the run), the messages before a request are printed before the person is asked")
    func messagesBeforeTheQuestion() async throws {
        let cli = try await CLIHarness.simulated()
        // Another command on the same key and runtime directory: this process's follow then rides team-wide sweeps,
        // which can tell a run waits for a person before its messages are fetched.
        let slowID = try await cli.start("slow")
        let watching = cli.background(["runs", "watch", slowID])
        defer { watching.task.cancel() }
        try await Task.sleep(for: .milliseconds(500))
        let terminal = CapturedStreams(terminal: true)
        let follow = cli.background(["runs", "start", "--agent", try SimAgents.id("approval"), "--follow"],
                                    environment: ["NO_COLOR": "1"], streams: terminal)
        try await follow.waitForOutput("Approve? [y]es / [n]o")
        let shown = terminal.stdout
        let prompt = try #require(shown.range(of: "Approve?"))
        #expect(shown[..<prompt.lowerBound].contains("I prepared the weekly sales report."),
                "the message that led to the request comes first: \(shown)")
        terminal.type("y")
        let result = await follow.finish()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.components(separatedBy: "I prepared the weekly sales report.").count == 2,
                "printed once: \(result)")
    }

    @Test("questions are asked one by one: a number picks an option, several numbers a multi-select answer")
    func questions() async throws {
        let cli = try await CLIHarness.simulated()
        let terminal = CapturedStreams(terminal: true)
        let follow = cli.background(["runs", "start", "--agent", try SimAgents.id("questions"), "--follow"],
                                    environment: ["NO_COLOR": "1"], streams: terminal)
        try await follow.waitForOutput("City (a number 1-3")
        terminal.type("2, 3")
        try await follow.waitForOutput("Pick one number")
        terminal.type("1")
        try await follow.waitForOutput("Days (numbers 1-5, comma-separated")
        terminal.type("7")
        try await follow.waitForOutput("Numbers go from 1 to 5")
        terminal.type("1,5")
        let result = await follow.finish()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("  1) Lisbon"))
        #expect(result.stdout.contains("✓ Answered."), "\(result)")
        #expect(result.stdout.contains("Lisbon") && result.stdout.contains("Monday,Friday"), "\(result)")
        #expect(result.stdout.hasSuffix("completed.\n"), "\(result)")
    }

    @Test("'n' denies; an empty line leaves the request for 'duvo runs respond'")
    func denyOrLeave() async throws {
        let cli = try await CLIHarness.simulated()
        let terminal = CapturedStreams(terminal: true)
        let denied = cli.background(["runs", "start", "--agent", try SimAgents.id("approval"), "--follow"],
                                    environment: ["NO_COLOR": "1"], streams: terminal)
        try await denied.waitForOutput("Approve?")
        terminal.type("n")
        let result = await denied.finish()
        #expect(result.stdout.contains("✓ Denied."), "\(result)")
        #expect(result.stdout.contains("Denied: I did not send the report"), "\(result)")

        let runID = try await cli.start("approval", waitUntil: "attention")
        let later = CapturedStreams(terminal: true)
        let left = cli.background(["runs", "messages", runID, "--follow"], environment: ["NO_COLOR": "1"],
                                  streams: later)
        try await left.waitForOutput("Approve?")
        later.type("")
        try await left.waitForOutput("Left for later: answer with 'duvo runs respond \(runID) ...'")
        #expect(try await cli.runs(["respond", runID, "--approve"]).status == 0)
        #expect(await left.finish().status == 0)
    }

    @Test("--no-input, or no terminal, prints the respond command instead of asking")
    func noInput() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("approval", waitUntil: "attention")
        for (streams, extra) in [(CapturedStreams(terminal: true), ["--no-input"]), (CapturedStreams(), [])] {
            let follow = cli.background(["runs", "messages", runID, "--follow"] + extra,
                                        environment: ["NO_COLOR": "1"], streams: streams)
            try await follow.waitForOutput("Approve: duvo runs respond \(runID) --approve")
            #expect(!streams.stdout.contains("Approve?"))
            follow.task.cancel()
            #expect(await follow.finish().status == 130)
        }
    }
}
