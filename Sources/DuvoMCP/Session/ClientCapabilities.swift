import JSONCore

/// What the client said it can do (in `initialize`, or in a 2026 request's `_meta`), reduced to what this server
/// acts on.
struct ClientCapabilities: Sendable, Equatable {
    /// The client can show a form to its user (`elicitation/create` in form mode).
    var formElicitation: Bool
    /// The client declared the Tasks extension (`io.modelcontextprotocol/tasks`), so a tool may answer with a task.
    var tasks: Bool = false

    /// Nothing declared: the state before `initialize`.
    static let none = ClientCapabilities(formElicitation: false)

    /// The Tasks extension's identifier, the key of `capabilities.extensions`.
    static let tasksExtension = "io.modelcontextprotocol/tasks"

    /// Reads a capabilities object.
    ///
    /// `elicitation: {}` means form mode (2025-06-18 had no modes; 2025-11-25 keeps the empty object as form only),
    /// so form support is assumed unless the client lists modes without `form`.
    init(json: JSONValue?) {
        tasks = json?["extensions"]?[Self.tasksExtension]?.objectValue != nil
        guard let elicitation = json?["elicitation"], let modes = elicitation.objectValue else {
            formElicitation = false
            return
        }
        formElicitation = modes.isEmpty || modes["form"] != nil
    }

    /// Capabilities as given.
    init(formElicitation: Bool, tasks: Bool = false) {
        self.formElicitation = formElicitation
        self.tasks = tasks
    }
}
