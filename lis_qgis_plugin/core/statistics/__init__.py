"""Public-health statistics: confidence intervals, significance against a comparator and recent trends.

Pure arithmetic (numpy/scipy, no QGIS), computed the way PHEindicatormethods and Fingertips publish them, so a
LIS profile agrees with the figures analysts already know.
"""
