"""The web report the browser tests read: Nottingham's 20 wards from real open data, written by lis:exportwebreport.

Two Fingertips-shaped downloads go into an indicator store with lis:addtostore, and lis:exportwebreport writes the
folder from it:
- the share of each ward's LSOAs in England's most deprived 10%, IMD 2019 (LSOA 2011, best-fit ward lookup) and
  IMD 2025 (LSOA 2021, each placed in the ward holding a point on its surface), higher is worse, with England's
  share of all its LSOAs;
- the share of residents aged 60+, five periods, the latest real (IoD2019 File 6; tests/support.py older_series).
The tests read what they expect from the folder's data.js, never from here.
"""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry, QgsProject, QgsVectorLayer

from ..support import FINGERTIPS_COLUMNS, NOTTINGHAM, SHARED_DATA, fingertips_row

ENGLAND = SHARED_DATA / "england"
WARDS = NOTTINGHAM / "boundaries" / "nottingham_wards_2025.geojson"
DEPRIVED_NAME = "LSOAs in England's most deprived 10% (%)"


def read_csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def ward_geometries() -> dict[str, tuple[str, QgsGeometry]]:
    """Ward code -> (name, polygon in EPSG:27700)."""
    layer = QgsVectorLayer(str(WARDS), "wards", "ogr")
    transform = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject())
    found = {}
    for feature in layer.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(transform)
        found[feature["WD25CD"]] = (feature["WD25NM"], geometry)
    return found


def lsoa21_wards(wards: dict[str, tuple[str, QgsGeometry]]) -> dict[str, str]:
    """LSOA 2021 code -> the ward holding a point on its surface."""
    layer = QgsVectorLayer(str(NOTTINGHAM / "deprivation" / "nottingham_lsoa21_imd2025.geojson"), "lsoa21", "ogr")
    transform = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject())
    found = {}
    for feature in layer.getFeatures():
        point = feature.geometry().pointOnSurface()
        point.transform(transform)
        found[feature["LSOA21CD"]] = next(code for code, (_, ward) in wards.items() if ward.contains(point))
    return found


def ward_deciles(wards: dict[str, tuple[str, QgsGeometry]]) -> dict[str, dict[str, list[int]]]:
    """Period -> ward -> the IMD deciles of its LSOAs (2019: LSOA 2011 best fit; 2025: LSOA 2021 by location)."""
    to_ward = {row["LSOA11CD"]: row["WD25CD"] for row in read_csv(NOTTINGHAM / "boundaries" /
               "lookup_lsoa11_to_ward2025_bestfit_derived.csv")}  # fmt: skip
    gathered: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in read_csv(NOTTINGHAM / "deprivation" / "nottingham_imd2019_file1.csv"):
        gathered["2019"][to_ward[row["LSOA code (2011)"]]].append(
            int(row["Index of Multiple Deprivation (IMD) Decile"])
        )
    by21 = lsoa21_wards(wards)
    for row in read_csv(NOTTINGHAM / "deprivation" / "nottingham_imd2025_lsoa21.csv"):
        gathered["2025"][by21[row["lsoa21_code"]]].append(int(row["IMD_decile"]))
    return gathered


def write_deprived_download(path: Path) -> None:
    """The wards' share of LSOAs in England's most deprived 10% as a Fingertips download, with England's rows."""
    wards = ward_geometries()
    deciles = ward_deciles(wards)
    england = {
        "2019": [int(row["Index of Multiple Deprivation (IMD) Decile"]) for row in
                 read_csv(ENGLAND / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")],
        "2025": [int(row["IMD_decile"]) for row in read_csv(ENGLAND / "IoD2025_imd2025_england_lsoa21.csv.gz")],
    }  # fmt: skip
    indicator = ("2", DEPRIVED_NAME, "All ages")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FINGERTIPS_COLUMNS)
        writer.writeheader()
        for period in ("2019", "2025"):
            every = england[period]
            writer.writerow(fingertips_row("E92000001", "England", "England", period, every.count(1), len(every),
                                           indicator))  # fmt: skip
            for code, found in deciles[period].items():
                writer.writerow(fingertips_row(code, wards[code][0], "Ward", period, found.count(1), len(found),
                                               indicator))  # fmt: skip
