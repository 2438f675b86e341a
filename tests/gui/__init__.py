"""The plugin in QGIS desktop: its lifecycle, the LIS panel and its pages."""
