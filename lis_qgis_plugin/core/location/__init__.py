"""Where new services help most: candidate sites, the location solver and its summary."""
