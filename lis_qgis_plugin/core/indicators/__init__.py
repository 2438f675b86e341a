"""Indicator tables: reading, suppressed values, code lookups, joining onto boundaries, metadata."""
