"""The indicator store: data collected once, with its metadata and every period, used for every report."""
