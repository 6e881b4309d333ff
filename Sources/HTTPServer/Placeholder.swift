/// Placeholder so the package builds while HTTPServer is written.
enum HTTPServerPlaceholder {}
