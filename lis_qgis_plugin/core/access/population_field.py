"""The population field of a demand layer, found by its name: one finder for the panel's pages and the tools.

Kept apart from the point readers (which need numpy and scipy) so the panel can use it when it opens.
"""

from __future__ import annotations

from qgis.core import QgsVectorLayer

#: Parts of the names of population fields, most telling first: the Services and Locate pages and
#: lis:servicecatchments find the population field with them (:func:`find_population_field`).
POPULATION_FIELD_HINTS = ("pop_total", "population", "usual_residents", "pop", "residents")


def find_population_field(layer: QgsVectorLayer | None) -> str | None:
    """The first numeric field whose lower-case name contains one of :data:`POPULATION_FIELD_HINTS` (tried in order)."""
    if layer is None:
        return None
    fields = [item.name() for item in layer.fields() if item.isNumeric()]
    for hint in POPULATION_FIELD_HINTS:
        for name in fields:
            if hint in name.lower():
                return name
    return None
