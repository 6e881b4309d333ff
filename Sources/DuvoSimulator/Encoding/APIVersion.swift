/// The two API versions the simulator serves; they differ in the run shape and message page sizes.
enum APIVersion: String, Sendable {
    case v1, v2

    /// The largest `limit` for a run's messages: 50 on v1 (its schema), 100 on v2 (the operations guide).
    var maxMessagesLimit: Int { self == .v1 ? 50 : 100 }
}
