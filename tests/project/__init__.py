"""The project as a whole: architecture, packaging, QGIS 4 readiness, the demo."""
