"""The shared core: knows no domain."""
