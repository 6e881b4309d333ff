// Placeholder entry point; replaced by the command dispatcher.
