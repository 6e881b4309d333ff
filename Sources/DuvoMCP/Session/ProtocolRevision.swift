/// The MCP revisions this server speaks, and how one is chosen for a session.
///
/// Legacy revisions (up to 2025-11-25) open a session with `initialize`; the modern one (2026-07-28) is named in
/// every request's `_meta` and served statelessly. One pipe serves both.
enum ProtocolRevision {
    /// Every supported handshake revision, oldest first.
    static let supported = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]

    /// The newest handshake revision, answered to clients asking `initialize` for one this server does not know.
    static let latest = "2025-11-25"

    /// The stateless revisions, whose requests carry their version in `_meta`.
    static let modern = ["2026-07-28"]

    /// Every revision served, oldest first (`server/discover`'s `supportedVersions`, -32022's `supported`).
    static let served = supported + modern

    /// The revision to answer a client asking for `requested`: its own when supported, else the latest (the client
    /// then decides whether it can go on, as the lifecycle section of the specification says).
    static func negotiate(_ requested: String?) -> String {
        guard let requested, supported.contains(requested) else { return latest }
        return requested
    }

    /// Whether `revision` is `minimum` or newer (revisions are dates, so they order as strings).
    static func revision(_ revision: String, isAtLeast minimum: String) -> Bool {
        revision >= minimum
    }
}
