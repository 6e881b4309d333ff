import Testing
@testable import ArgumentKit

@Suite("Argument parsing")
struct ArgumentKitTests {
    let tree = Command("duvo", abstract: "Drive Duvo runs.", options: [.flag("json", help: "JSON output.")], subcommands: [
        Command("runs", abstract: "Work with runs.", subcommands: [
            Command("start", abstract: "Start a run.", options: [
                .value("agent", valueName: "ID", help: "Agent to run."),
                .value("message", short: "m", valueName: "TEXT", help: "First message."),
                .value("answer", valueName: "QID=TEXT", help: "An answer.", repeatable: true),
                .value("timeout", valueName: "S", help: "Seconds.", defaultValue: "600"),
                .value("api-key-file", valueName: "PATH", help: "Key file.", environment: "DUVO_API_KEY_FILE"),
                .flag("simulate", help: "Simulate.", environment: "DUVO_SIMULATE", variants: ["private"]),
            ]),
            Command("get", abstract: "Show a run.", positionals: [Positional("run", help: "The run's id.")]),
        ]),
    ])

    func parsed(_ words: [String], environment: [String: String] = [:]) throws -> ParsedCommand {
        guard case .command(let command) = try tree.parse(words, environment: environment) else {
            throw UsageError("expected a command", commandPath: "test")
        }
        return command
    }

    @Test("values, flags, repeats, defaults and inherited options are read from any position")
    func values() throws {
        let command = try parsed(["runs", "start", "--agent", "A", "-m", "hi there", "--json", "--answer=q1=x",
                                  "--answer", "q2=y"])
        #expect(command.path == ["duvo", "runs", "start"])
        #expect(command.value("agent") == "A")
        #expect(command.value("message") == "hi there")
        #expect(command.flag("json"))
        #expect(command.values("answer") == ["q1=x", "q2=y"])
        #expect(try command.int("timeout") == 600)
    }

    @Test("a flag with variants is on alone or as --flag=VARIANT (or its variable set so); other values are refused")
    func flagVariants() throws {
        let plain = try parsed(["runs", "start", "--simulate"])
        #expect(plain.flag("simulate") && plain.value("simulate") == nil)
        let variant = try parsed(["runs", "start", "--simulate=private"])
        #expect(variant.flag("simulate") && variant.value("simulate") == "private")
        let fromVariable = try parsed(["runs", "start"], environment: ["DUVO_SIMULATE": "private"])
        #expect(fromVariable.flag("simulate") && fromVariable.value("simulate") == "private")
        #expect(try parsed(["runs", "start"], environment: ["DUVO_SIMULATE": "1"]).value("simulate") == nil)
        #expect(try !parsed(["runs", "start"], environment: ["DUVO_SIMULATE": "shared"]).flag("simulate"))
        #expect(throws: UsageError.self) { try parsed(["runs", "start", "--simulate=shared"]) }
        #expect(throws: UsageError.self) { try parsed(["runs", "start", "--json=yes"]) }
    }

    @Test("environment twins fill absent options, and the flag wins over the variable")
    func environment() throws {
        #expect(try parsed(["runs", "start"], environment: ["DUVO_API_KEY_FILE": "/k"]).value("api-key-file") == "/k")
        let explicit = try parsed(["runs", "start", "--api-key-file", "/x"], environment: ["DUVO_API_KEY_FILE": "/k"])
        #expect(explicit.value("api-key-file") == "/x")
    }

    @Test("a mistyped option names itself and suggests the right one")
    func suggestion() {
        #expect {
            try tree.parse(["runs", "start", "--agnet", "A"])
        } throws: { error in
            let text = String(describing: error)
            return text.contains("'--agnet'") && text.contains("did you mean '--agent'")
                && text.contains("duvo runs start --help")
        }
    }

    @Test("a mistyped command suggests the right one; a missing positional is named")
    func commands() {
        #expect { try tree.parse(["runs", "strat"]) } throws: { String(describing: $0).contains("did you mean 'start'") }
        #expect { try tree.parse(["runs", "get"]) } throws: { String(describing: $0).contains("missing RUN") }
        #expect { try tree.parse(["runs", "get", "a", "b"]) } throws: { String(describing: $0).contains("'b'") }
        #expect { try tree.parse(["runs", "start", "--agent"]) } throws: { String(describing: $0).contains("needs a value") }
        #expect { try parsed(["runs", "start", "--timeout", "soon"]).int("timeout") } throws: {
            String(describing: $0).contains("whole number")
        }
    }

    @Test("--help anywhere shows the deepest command's help with its options and inherited ones")
    func help() throws {
        guard case .help(let text) = try tree.parse(["runs", "start", "--help"]) else {
            Issue.record("expected help")
            return
        }
        #expect(text.contains("USAGE: duvo runs start"))
        #expect(text.contains("--agent ID"))
        #expect(text.contains("--json"))
        #expect(text.contains("(default: 600)"))
        guard case .help(let group) = try tree.parse(["runs"]) else {
            Issue.record("a group without a command shows help")
            return
        }
        #expect(group.contains("start") && group.contains("Start a run."))
    }

    @Test("a command with subcommands can also run by itself when it says so")
    func runsWithoutSubcommand() throws {
        let sim = Command("sim", abstract: "Serve.", options: [.value("port", help: "Port.")], subcommands: [
            Command("agents", abstract: "List.", options: [.flag("json", help: "JSON.")]),
        ], runsWithoutSubcommand: true)
        guard case .command(let serve) = try sim.parse(["--port", "0"]) else {
            Issue.record("sim alone runs")
            return
        }
        #expect(serve.path == ["sim"])
        #expect(serve.value("port") == "0")
        guard case .command(let list) = try sim.parse(["agents", "--json"]) else {
            Issue.record("sim agents runs")
            return
        }
        #expect(list.path == ["sim", "agents"])
        #expect(list.flag("json"))
    }
}
