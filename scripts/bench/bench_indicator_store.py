"""Is loading the indicator store quick enough? England's IoD2025 into a GeoPackage (< 15 s) and PostGIS (< 30 s).

The issue's goal: every rank, score and decile of the English Indices of Deprivation 2025 (33,755 LSOAs x
24 columns, about 810,000 values) goes into a GeoPackage store in under 15 s and into a PostGIS store in
under 30 s. Each run does what ``lis:addtostore`` does with the published file (unpacked beforehand, not
timed): reads and checks it, finds each column's metadata, and adds every column in one transaction; it is
timed from reading the table to the commit, then once more into the same store (the same values: none new).

PostGIS: a throwaway cluster started for the run (as the tests start it; PostgreSQL and PostGIS must be
installed: ``make setup``), or ``--conninfo`` for a server of your own (a fresh schema is used and dropped).

Run from the repository root: ``.venv/bin/python scripts/bench/bench_indicator_store.py``. Missing a goal
is reported, not an error.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lis_qgis_plugin.core.store.store_location import StoreLocation

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

GEOPACKAGE_GOAL_S = 15.0
POSTGIS_GOAL_S = 30.0
CODE_COLUMN = "lsoa21_code"


def default_data() -> Path:
    return REPO.parent / "shared" / "data" / "real" / "england" / "IoD2025_imd2025_england_lsoa21.csv.gz"


def load(store: StoreLocation, plain_csv: Path) -> tuple[float, int, int]:
    """Seconds for what lis:addtostore does with the file: read and check it (the join's reading, catalogue
    metadata from the data), then add every column in one transaction; values given and values new."""
    from lis_qgis_plugin.core.store.store_loading import AddOptions, add_loaded_tables, file_refresh, read_store_table

    started = time.perf_counter()
    table = read_store_table(plain_csv, AddOptions(), file_refresh(plain_csv))
    results = add_loaded_tables(store, [table])
    seconds = time.perf_counter() - started
    return seconds, sum(result.rows for result in results), sum(result.new_rows for result in results)


def report(label: str, store: StoreLocation, plain_csv: Path, goal: float) -> bool:
    """Load twice (new, then all updated) and print both timings against the goal."""
    met = True
    for attempt in ("new store", "again (same values)"):
        seconds, given, new = load(store, plain_csv)
        ok = seconds < goal
        met = met and ok
        print(
            f"{label} {attempt}: {seconds:.1f} s for {given:,} values ({new:,} new), "
            f"{given / seconds:,.0f} values/s; goal < {goal:.0f} s: {'met' if ok else 'MISSED'}"
        )
    return met


def postgis_run(plain_csv: Path, work: Path, conninfo: str | None) -> bool:
    from lis_qgis_plugin.core.store.store_location import PostgisStore

    if conninfo:
        import psycopg2

        schema = f"lis_bench_{int(time.time())}"
        try:
            return report("PostGIS", PostgisStore(conninfo, schema, "your server"), plain_csv, POSTGIS_GOAL_S)
        finally:
            connection = psycopg2.connect(conninfo)
            connection.autocommit = True
            connection.cursor().execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            connection.close()
    from tests.postgis_server import start_postgis_server

    server = start_postgis_server(work / "postgis")
    try:
        return report("PostGIS", server.store("lis_bench"), plain_csv, POSTGIS_GOAL_S)
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data(), help="IoD2025 File 7 for England (.csv.gz)")
    parser.add_argument("--conninfo", help="a libpq connection string of your own PostGIS server")
    parser.add_argument("--skip-postgis", action="store_true", help="time the GeoPackage store only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lis-bench-store-") as folder:
        work = Path(folder)
        plain_csv = work / "iod2025.csv"
        with gzip.open(args.data, "rb") as packed, plain_csv.open("wb") as plain:
            shutil.copyfileobj(packed, plain)
        met = report("GeoPackage", work / "lis_store.gpkg", plain_csv, GEOPACKAGE_GOAL_S)
        if not args.skip_postgis:
            met = postgis_run(plain_csv, work, args.conninfo) and met
    print("indicator store loading: every goal met" if met else "indicator store loading: a goal was MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
