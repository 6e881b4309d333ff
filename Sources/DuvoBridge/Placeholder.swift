/// Placeholder so the package builds while DuvoBridge is written.
enum DuvoBridgePlaceholder {}
