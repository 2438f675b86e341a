"""The road network: graph building, its cache, and travel-time search."""
