/// What the MCP layer offers and how it behaves: which tools are listed, and the limits that keep answers small.
///
/// The defaults are what `duvo rpc` uses; `--read-only`, `--tools` and `--exclude-tools` (see
/// ``MCPServer/options(from:)``) change the tool selection.
package struct MCPOptions: Sendable {
    /// Offer only tools that change nothing (reads and waits); waits then never answer a person's request either.
    package var readOnly: Bool
    /// The only tools to offer, by name; `nil` offers every tool.
    package var include: [String]?
    /// Tools not to offer, by name (applied after `include`).
    package var exclude: [String]
    /// The version announced in `serverInfo`.
    package var serverVersion: String
    /// The longest a single `duvo_wait_for_run` call blocks, in seconds (clients give up on a call after 60 s).
    package var maxWaitSeconds: Double
    /// How often a wait with a progress token reports progress, in seconds.
    package var progressInterval: Double
    /// The longest a wait keeps a form open for a person in a 2025 session (`elicitation/create`): as long as a
    /// 2026 `requestState` lives, so an unanswered form cannot hold the call, and its place in flight, for ever.
    package var formPatience: Duration
    /// Messages `duvo_list_messages` returns when no `limit` is given.
    package var defaultMessageLimit: Int
    /// Roughly how many characters of messages one `duvo_list_messages` answer may hold.
    package var maxMessageCharacters: Int
    /// The longest a single text field of a message may be before it is shortened.
    package var maxTextCharacters: Int

    /// Options with every tool offered and the documented limits.
    package init(readOnly: Bool = false, include: [String]? = nil, exclude: [String] = [],
                serverVersion: String = "0.1.0") {
        self.readOnly = readOnly
        self.include = include
        self.exclude = exclude
        self.serverVersion = serverVersion
        maxWaitSeconds = 45
        progressInterval = 3
        formPatience = .seconds(30 * 60)
        defaultMessageLimit = 20
        maxMessageCharacters = 8_000
        maxTextCharacters = 2_000
    }
}
