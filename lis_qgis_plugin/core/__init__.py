"""Plain domain logic: no widgets, usable from algorithms, tests and scripts."""
