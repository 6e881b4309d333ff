/// Placeholder so the package builds while DuvoAPI is written.
enum DuvoAPIPlaceholder {}
