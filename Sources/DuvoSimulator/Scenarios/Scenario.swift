/// An agent the simulator can run: its identity and the script its runs follow.
public struct Scenario: Sendable, Hashable {
    /// The agent id (a lowercase UUID) clients pass as `agent_id`.
    public let id: String
    /// A short unique name, e.g. `echo`.
    public let name: String
    /// One sentence saying what its runs do.
    public let description: String
    /// Whether its runs may ask for human input (`human_in_the_loop_enabled`).
    public let humanInTheLoop: Bool
    /// The build every run of this agent reports (fixed, derived from the id).
    public let buildID: String
    let steps: [ScenarioStep]
    /// What a finished (completed or interrupted) run does when a message resumes it.
    let onMessage: [ScenarioStep]

    init(
        id: String, name: String, description: String, humanInTheLoop: Bool? = nil, steps: [ScenarioStep],
        onMessage: [ScenarioStep]? = nil
    ) {
        self.id = id.lowercased()
        self.name = name
        self.description = description
        self.steps = steps
        self.onMessage = onMessage ?? Self.defaultOnMessage
        self.humanInTheLoop = humanInTheLoop ?? Self.asksHumans(steps)
        self.buildID = Self.derivedUUID(from: "build:" + id.lowercased())
    }

    /// Acknowledge the message and complete: what an agent without `on_message` does when resumed.
    static let defaultOnMessage: [ScenarioStep] = [
        .say("Thanks, I read your message: \"{{message}}\". Nothing else to do.", after: 2),
        .finish(.completed, after: 1),
    ]

    private static func asksHumans(_ steps: [ScenarioStep]) -> Bool {
        steps.contains { step in
            switch step {
            case .askApproval, .askQuestions: true
            case .repeatSteps(_, let inner): asksHumans(inner)
            default: false
            }
        }
    }

    /// A stable UUID-shaped string from text (FNV-1a), so derived ids survive restarts.
    static func derivedUUID(from text: String) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 &+ 0x9E37
        }
        // Version 4 and variant bits, so the result validates as a UUID everywhere.
        first = (first & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        second = (second & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = String(first, radix: 16).leftPadded(16) + String(second, radix: 16).leftPadded(16)
        let chars = Array(hex)
        return [chars[0..<8], chars[8..<12], chars[12..<16], chars[16..<20], chars[20..<32]]
            .map { String($0) }.joined(separator: "-")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
