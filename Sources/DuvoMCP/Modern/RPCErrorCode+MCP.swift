import JSONCore
import JSONRPC

// MARK: MCP 2026-07-28

extension RPCErrorCode {
    /// -32021: MCP's `MissingRequiredClientCapability`; `data.requiredCapabilities` names what the request lacks.
    ///
    /// MCP's own code (it reserves -32020...-32099), not the bridge's: the bridge's codes are named in DuvoBridge.
    static let missingRequiredClientCapability = RPCErrorCode(-32021)
    /// -32022: MCP's `UnsupportedProtocolVersion`; `data` holds `supported` and `requested`.
    static let unsupportedProtocolVersion = RPCErrorCode(-32022)
}

extension RPCError {
    /// -32021 naming the capabilities the request must declare, as MCP's `requiredCapabilities` object.
    static func missingCapability(_ required: JSONValue, _ message: String) -> RPCError {
        RPCError(code: .missingRequiredClientCapability, message: message,
                 data: ["requiredCapabilities": required])
    }

    /// -32022 listing every revision this server speaks, so the client can retry with one of them.
    static func unsupportedVersion(_ requested: String) -> RPCError {
        RPCError(code: .unsupportedProtocolVersion,
                 message: "Unsupported protocol version '\(requested.prefix(40))'; this server speaks "
                     + ProtocolRevision.served.joined(separator: ", "),
                 data: ["supported": .array(ProtocolRevision.served.map(JSONValue.string)),
                        "requested": .string(String(requested.prefix(100)))])
    }
}
