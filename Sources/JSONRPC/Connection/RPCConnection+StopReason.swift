extension RPCConnection {
    /// Why ``RPCConnection/run()`` returned.
    public enum StopReason: Sendable, Hashable {
        /// The client closed the server's input (stdin EOF).
        case endOfInput
        /// The client sent the LSP `exit` notification; LSP asks for exit code 0 only after a `shutdown` request.
        case exit(afterShutdownRequest: Bool)
        /// ``RPCConnection/beginShutdown()`` was called (on SIGTERM).
        case shutdown
        /// The client stopped reading (a write failed with EPIPE); nothing more could be said.
        case outputClosed
    }
}
