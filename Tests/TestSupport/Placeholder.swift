/// Placeholder so the package builds while the test support is written.
enum TestSupportPlaceholder {}
