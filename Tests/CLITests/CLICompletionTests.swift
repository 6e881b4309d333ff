import Foundation
import Testing
import TestSupport

@Suite("duvo completion and the top-level help")
struct CLICompletionTests {
    let cli = CLIHarness()

    @Test("bash: the script is sourced by bash and completes commands, subcommands, flags and choices")
    func bash() async throws {
        let script = try await cli.run(["completion", "bash"])
        #expect(script.status == 0, "\(script)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-\(UUID().uuidString).bash")
        try script.stdout.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let probe = """
            set -e
            source \(file.path)
            complete -p duvo
            ask() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _duvo; echo "${COMPREPLY[*]}"; }
            ask duvo r
            ask duvo runs st
            ask duvo runs start --api-version ''
            ask duvo runs list --sort-order ''
            ask duvo sim ''
            ask duvo completion ''
            ask duvo runs respond R --appr
            ask duvo runs get R --tim
            """
        let result = try await cli.run(executable: "/bin/bash", ["-c", probe])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "complete -F _duvo duvo", "\(result)")
        #expect(Array(lines.dropFirst().prefix(8))
            == ["rpc runs", "start stop stats", "v1 v2", "asc desc", "agents status stop --host --port --api-key "
                + "--team --rate-limit --no-rate-limit-headers --speed --agents --faults --seed --webhook-faults "
                + "--log-level --help", "bash zsh fish --help",
                "--approve", "--timeout"], "\(result)")
    }

    @Test("zsh and fish scripts carry the same tree: subcommands, flags with their help, choices")
    func zshAndFish() async throws {
        let zsh = try await cli.run(["completion", "zsh"]).stdout
        #expect(zsh.hasPrefix("#compdef duvo"))
        #expect(zsh.contains("'duvo runs start --api-version') compadd -- 'v1' 'v2'; return ;;"))
        #expect(zsh.contains("'start:Start a run of an agent'"))
        #expect(zsh.contains("'--no-input:With --follow on a terminal: print the respond command instead of asking.'"))
        #expect(zsh.contains("'--timeout:Deadline of each call to Duvo in seconds, retries included (else DUVO_TIMEOUT; "
            + "default 30).'"))
        let fish = try await cli.run(["completion", "fish"]).stdout
        #expect(fish.contains(#"complete -c duvo -n 'test (__duvo_path) = \'duvo runs\'' -a 'start'"#))
        #expect(fish.contains(#"-l api-version -x -a 'v1 v2'"#))
        #expect(fish.contains(#"-l follow -s f -d 'Stream the run\'s messages until it ends.'"#))
        for script in [zsh, fish] {
            #expect(!script.contains("serve-shared"), "commands duvo runs itself are not offered")
        }
    }

    @Test("an unknown shell is exit 2 naming the ones there are")
    func unknownShell() async throws {
        let result = try await cli.run(["completion", "tcsh"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown shell 'tcsh'; expected one of: bash, zsh, fish"), "\(result)")
    }

    @Test("'duvo' alone lists every command with the one-terminal quick start; a typo suggests the command")
    func overview() async throws {
        let result = try await cli.run([])
        #expect(result.status == 0)
        for command in ["rpc", "runs", "sim", "completion"] { #expect(result.stdout.contains("\n  \(command) ")) }
        #expect(result.stdout.contains("duvo runs start --agent approval --follow --simulate"))
        let typo = try await cli.run(["rnus", "list"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean 'runs'"), "\(typo)")
    }

    @Test("'duvo sim --help' names status and stop, not the command duvo starts itself")
    func simHelp() async throws {
        let result = try await cli.run(["sim", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("  status ") && result.stdout.contains("  stop "), "\(result)")
        #expect(!result.stdout.contains("serve-shared"))
        #expect(result.stdout.contains("15 minutes without a request"))
    }
}
