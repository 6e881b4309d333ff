import Synchronization

/// The client's end of an in-memory pipe: decodes what the server writes into frames and hands them to one reader.
final class FrameInbox: Sendable {
    private let state: Mutex<State>

    private struct State {
        var decoder: FrameDecoder
        var frames: [[UInt8]] = []
        var raw: [UInt8] = []
        var waiter: (token: UInt64, continuation: CheckedContinuation<[UInt8]?, Never>)?
        var nextToken: UInt64 = 0
        var closed = false
    }

    init(framing: Framing) {
        state = Mutex(State(decoder: FrameDecoder(framing: framing)))
    }

    /// Takes bytes the server wrote.
    /// - Throws: ``TransportError/closed`` once ``close()`` was called.
    func deliver(_ bytes: [UInt8]) throws(TransportError) {
        let result = state.withLock {
            state -> Result<(CheckedContinuation<[UInt8]?, Never>, [UInt8])?, TransportError> in
            guard !state.closed else { return .failure(.closed) }
            state.raw.append(contentsOf: bytes)
            state.decoder.append(bytes)
            while let event = state.decoder.next() {
                if case .frame(let frame) = event { state.frames.append(frame) }
            }
            guard let waiter = state.waiter, !state.frames.isEmpty else { return .success(nil) }
            state.waiter = nil
            return .success((waiter.continuation, state.frames.removeFirst()))
        }
        if let (continuation, frame) = try result.get() {
            continuation.resume(returning: frame)
        }
    }

    /// Every byte the server wrote so far, framing included.
    var rawBytes: [UInt8] {
        state.withLock { $0.raw }
    }

    /// The next frame; `nil` once closed or when the waiting task is cancelled.
    func next() async -> [UInt8]? {
        let token = state.withLock { state in
            state.nextToken += 1
            return state.nextToken
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> [UInt8]?? in
                    if !state.frames.isEmpty { return .some(state.frames.removeFirst()) }
                    if state.closed || Task.isCancelled { return .some(nil) }
                    state.waiter = (token, continuation)
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, Never>? in
                guard let waiter = state.waiter, waiter.token == token else { return nil }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Makes further deliveries fail and wakes a waiting reader with `nil`.
    func close() {
        let waiter = state.withLock { state in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: nil)
    }
}
