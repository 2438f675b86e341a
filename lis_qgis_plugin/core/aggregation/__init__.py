"""Small areas to larger ones: placing areas by lookup or location, and summing or averaging their values."""
