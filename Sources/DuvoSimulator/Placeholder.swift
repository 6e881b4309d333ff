/// Placeholder so the package builds while DuvoSimulator is written.
enum DuvoSimulatorPlaceholder {}
