"""Core functions called directly: fast, no Processing run (`pytest tests/core` takes seconds)."""
