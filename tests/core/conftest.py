"""Fixtures of the core tests: data made by core functions themselves, without Processing or the plugin."""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest

from lis_qgis_plugin.core.sample.sample_files import SampleFiles, write_sample_district
from tests.support import SHARED_DATA

#: All of England's IoD2025, as published (gzipped CSV).
IOD2025 = SHARED_DATA / "england" / "IoD2025_imd2025_england_lsoa21.csv.gz"


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> SampleFiles:
    """The default sample district as the core generator writes it (lis:createsample writes the same), once."""
    return write_sample_district(tmp_path_factory.mktemp("core_sample"))


@pytest.fixture(scope="session")
def iod_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real IoD2025 file unpacked once for the session (the table reader reads plain CSV)."""
    path = tmp_path_factory.mktemp("iod2025") / "IoD2025_imd2025_england_lsoa21.csv"
    with gzip.open(IOD2025, "rb") as packed, path.open("wb") as plain:
        shutil.copyfileobj(packed, plain)
    return path


@pytest.fixture(scope="session")
def published(iod_csv: Path) -> dict[str, dict[str, str]]:
    """LSOA code -> its published IoD2025 row, read with csv."""
    with iod_csv.open(encoding="utf-8-sig", newline="") as handle:
        return {row["lsoa21_code"]: row for row in csv.DictReader(handle)}
