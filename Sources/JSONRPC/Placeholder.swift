/// Placeholder so the package builds while JSONRPC is written.
enum JSONRPCPlaceholder {}
