/// Placeholder so the package builds while DuvoCLI is written.
enum DuvoCLIPlaceholder {}
