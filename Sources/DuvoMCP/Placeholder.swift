/// Placeholder so the package builds while DuvoMCP is written.
enum DuvoMCPPlaceholder {}
