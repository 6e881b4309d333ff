/// What a ``FrameDecoder`` found next in its input.
public enum FrameEvent: Sendable, Hashable {
    /// One whole frame's payload (the JSON text, without header or line ending).
    case frame([UInt8])
    /// A frame larger than the decoder's `maxFrameBytes`; its bytes were skipped without being kept.
    case oversized(bytes: Int)
    /// A `Content-Length` header block that could not be read; the decoder skips ahead to the next header.
    case malformedHeader(String)
    /// The input ended inside a frame after `bytes` bytes of it (reported once, after ``FrameDecoder/finish()``).
    case truncated(bytes: Int)
}
