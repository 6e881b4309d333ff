/// Placeholder so the package builds while ArgumentKit is written.
enum ArgumentKitPlaceholder {}
