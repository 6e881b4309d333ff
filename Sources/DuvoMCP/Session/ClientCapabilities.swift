import JSONCore

/// What the client said it can do in `initialize`, reduced to what this server acts on.
struct ClientCapabilities: Sendable, Equatable {
    /// The client can show a form to its user (`elicitation/create` in form mode).
    var formElicitation: Bool

    /// Nothing declared: the state before `initialize`.
    static let none = ClientCapabilities(formElicitation: false)

    /// Reads the `capabilities` object of `initialize`.
    ///
    /// `elicitation: {}` means form mode (2025-06-18 had no modes; 2025-11-25 keeps the empty object as form only),
    /// so form support is assumed unless the client lists modes without `form`.
    init(json: JSONValue?) {
        guard let elicitation = json?["elicitation"], let modes = elicitation.objectValue else {
            formElicitation = false
            return
        }
        formElicitation = modes.isEmpty || modes["form"] != nil
    }

    /// Capabilities as given.
    init(formElicitation: Bool) {
        self.formElicitation = formElicitation
    }
}
