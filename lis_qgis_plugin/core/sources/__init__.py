"""Online sources (ONS Open Geography, Fingertips, Nomis, any URL) behind one HTTP client and one download cache."""
