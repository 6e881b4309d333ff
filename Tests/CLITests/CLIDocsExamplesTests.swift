import Foundation
import Testing
import TestSupport

@Suite("duvo runs: the CLI docs' scripting examples, verbatim")
struct CLIDocsExamplesTests {
    static let hasJQ = ["/usr/bin/jq", "/usr/local/bin/jq", "/bin/jq"].contains {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test("start-and-wait, auto-approve and forward-output work as the docs print them (bash + jq)",
          .enabled(if: hasJQ, "the docs' examples pipe through jq"))
    func docsExamples() async throws {
        let cli = try await CLIHarness.simulated(environment: ["DUVO_BIN": DuvoBinary.path])
        let result = try await cli.run(executable: "/bin/bash", [Self.script], timeout: 120)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("finished with status: completed"), "\(result)")
        #expect(result.stdout.contains("ok 1 - start and wait: completed"))
        #expect(result.stdout.contains("ok 2 - auto-approve: completed after approval"))
        #expect(result.stdout.contains("ok 3 - forward output"))
    }

    @Test("the same scripts run against the shared simulator: every command with --simulate (DUVO_SIMULATE=1)",
          .enabled(if: hasJQ, "the docs' examples pipe through jq"))
    func docsExamplesSimulated() async throws {
        let cli = CLIHarness(environment: ["DUVO_BIN": DuvoBinary.path, "DUVO_SIMULATE": "1", "DUVO_SIM_SPEED": "50"])
        let result = try await cli.run(executable: "/bin/bash", [Self.script], timeout: 120)
        await cli.stopSharedSimulator()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("ok 2 - auto-approve: completed after approval"), "\(result)")
        #expect(result.stdout.contains("ok 3 - forward output"), "\(result)")
    }

    static let script = PackagePaths.root.appendingPathComponent("Tests/shell/cli-docs-examples.sh").path
}
