"""Web reports: one folder with an interactive map, table and area profiles that opens from disk (issue 21)."""
