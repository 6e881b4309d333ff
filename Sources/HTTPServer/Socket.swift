import Platform

/// The socket calls the server needs, over ``Platform``; nothing above this file touches errno.
enum Socket {
    /// Sends all of `bytes`, retrying short writes and EINTR; false when the peer is gone.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var sent = 0
            while sent < raw.count {
                let result = Platform.send(fd: fd, UnsafeRawBufferPointer(start: base + sent, count: raw.count - sent))
                if result < 0 {
                    if Platform.lastError == Platform.ErrorCode.interrupted { continue }
                    return false
                }
                sent += result
            }
            return true
        }
    }
}
