import KeyCoordination

/// What a process that asks Duvo for webhook events (`--webhooks URL`) needs: the URL, token included, that the runs
/// it starts are given, and the key's bus on which `duvo webhooks` publishes the events.
package struct Webhooks: Sendable {
    /// `<public URL>/<token>`: a secret (the token is registered with the redactor).
    package let url: String
    /// The key's event bus, the same coordination the budget uses.
    package let events: any EventBus

    package init(url: String, events: any EventBus) {
        self.url = url
        self.events = events
    }
}
