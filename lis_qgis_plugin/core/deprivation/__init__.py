"""Indices of Deprivation: national quantiles, classification, maps, summaries and composite indices."""
