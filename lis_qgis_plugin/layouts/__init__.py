"""Print-layout and map-image code (atlas profiles build on this)."""
