extension RPCConnection {
    /// How a connection frames, limits and ends its work.
    public struct Configuration: Sendable {
        /// The framing to use; `nil` (the default) detects it from the client's first bytes.
        public var framing: Framing?
        /// Frames larger than this are skipped and answered with -32600 (default 16 MiB).
        public var maxFrameBytes: Int
        /// How many requests run at once (default 4096). Beyond it, requests wait in a queue as long again; when
        /// that is full too, the connection stops reading input until a request finishes.
        public var maxInFlight: Int
        /// Batches with more entries than this are refused whole with one -32600 (default 1,000): a batch is answered
        /// as one array, so its entries' answers are all held until the last is in.
        public var maxBatchEntries: Int
        /// How long shutdown waits for running requests before cancelling them, and again for cancelled ones to
        /// answer (default 0.5 s).
        public var shutdownGrace: Duration

        /// A configuration; every value has a default.
        public init(
            framing: Framing? = nil, maxFrameBytes: Int = FrameDecoder.defaultMaxFrameBytes, maxInFlight: Int = 4096,
            maxBatchEntries: Int = 1_000, shutdownGrace: Duration = .milliseconds(500)
        ) {
            self.framing = framing
            self.maxFrameBytes = maxFrameBytes
            self.maxInFlight = maxInFlight
            self.maxBatchEntries = maxBatchEntries
            self.shutdownGrace = shutdownGrace
        }
    }
}
