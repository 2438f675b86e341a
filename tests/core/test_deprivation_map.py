"""The classifications behind lis:deprivationmap, without Processing: local quantiles and Jenks natural breaks.

The maps written through lis:deprivationmap on real data are in tests/processing/test_deprivation_map_algorithm.py.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from qgis.core import QgsClassificationJenks

from lis_qgis_plugin.core.deprivation.classification import JENKS_SAMPLE_SIZE, jenks_breaks, local_quantiles

from ..support import geojson_values


def test_local_quantiles_split_ties_by_feature_order() -> None:
    classes = local_quantiles([5.0] * 12, 5, high_is_deprived=True)
    assert classes == [1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5]  # ceil(position * 5 / 12)
    assert local_quantiles([1.0, 3.0, 2.0, 4.0, 5.0], 5, high_is_deprived=False) == [1, 3, 2, 4, 5]


def test_jenks_equals_qgis_where_qgis_does_not_sample(shared_data: Path, nottingham_imd2019: Path) -> None:
    lsoa21 = shared_data / "nottingham" / "deprivation" / "nottingham_lsoa21_imd2025.geojson"
    for values in (geojson_values(nottingham_imd2019, "imd_rank"), geojson_values(lsoa21, "IMD_score")):
        assert len(values) < JENKS_SAMPLE_SIZE
        for classes in range(3, 11):
            qgis = [item.upperBound() for item in QgsClassificationJenks().classes(values, classes)]
            assert jenks_breaks(values, classes) == qgis
            assert jenks_breaks(list(reversed(values)), classes) == qgis


def test_jenks_is_deterministic_on_all_england(shared_data: Path) -> None:
    with gzip.open(shared_data / "england" / "IoD2025_imd2025_england_lsoa21.csv.gz", "rt") as handle:
        scores = [float(row["IMD_score"]) for row in csv.DictReader(handle)]
    assert len(scores) > JENKS_SAMPLE_SIZE  # QGIS 3.22 samples these at random
    first = jenks_breaks(scores, 7)
    assert jenks_breaks(list(reversed(scores)), 7) == first
    assert first == sorted(first) and first[-1] == max(scores) and len(set(first)) == 7
