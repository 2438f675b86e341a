"""The Processing algorithms run as the toolbox, batch and qgis_process run them."""
