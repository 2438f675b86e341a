"""Reading tables and layers, writing GeoPackages: the files every tool reads and writes."""
