/// A request the reader serves itself, from when it takes the job until its answer is written.
struct InlineServe: Sendable {
    /// Where reading stopped to serve: the input and the decoder's state (with any bytes it holds).
    struct Position: Sendable {
        let chunks: AsyncStream<[UInt8]>
        let decoder: FrameDecoder
    }

    /// The served job's token.
    let token: UInt64
    /// Where a new reader starts if reading is handed over.
    let position: Position
    /// Whether another task now reads (the job ran past its patience, see ``InlineServeWatch``).
    var handedOver: Bool
}
