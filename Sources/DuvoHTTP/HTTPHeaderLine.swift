/// One `Name: value` header line read as bytes, for both transports.
enum HTTPHeaderLine {
    /// The line's name in lower case and its value without the whitespace around it (spaces, tabs, CR, LF); nil for
    /// a line without a colon.
    // Bytes, not `lowercased()` and Foundation's `trimmingCharacters(in:)`: those were 7% of an https `runs/get`'s
    // CPU in libcurl's header callback.
    static func split<Line: BidirectionalCollection<UInt8>>(_ line: Line) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = String(unsafeUninitializedCapacity: line.distance(from: line.startIndex, to: colon)) { buffer in
            var count = 0
            for byte in line[..<colon] {
                buffer[count] = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
                count += 1
            }
            return count
        }
        let rest = line[line.index(after: colon)...]
        guard let first = rest.firstIndex(where: { !isBlank($0) }), let last = rest.lastIndex(where: { !isBlank($0) })
        else { return (name, "") }
        return (name, String(decoding: rest[first...last], as: UTF8.self))
    }

    /// Whitespace around a header value: space, tab, and the line's own CR LF.
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 13 || byte == 10
    }
}
