"""Access to services: the one reader of facilities and demand, catchments, coverage and 2SFCA."""
