"""Is the what-if map tool quick enough? Each update on Rutland, after the graph is cached, against 0.3 s.

The issue's goal: moving a site on the map redraws its catchment and the coverage headline in place,
each update within 0.3 s once the road graph is cached, because only the moved site's search and
areas are worked out again. This starts a :class:`~lis_qgis_plugin.core.access.what_if.Scenario` of
Rutland's GP surgeries (OpenStreetMap roads, LSOA population-weighted centroids, bands 5 and 10
minutes) twice, so the second start reads the graph from the cache, then times moves of every
surgery, one added site and one removal, for both catchment shapes (filled areas and road buffers),
and prints the median and the slowest update.

Run from the repository root: ``.venv/bin/python scripts/bench/bench_what_if.py`` (``--data`` names
the Rutland folder; by default ``../shared/data/real/rutland`` beside the checkout). Missing the goal
is reported, not an error.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

GOAL_S = 0.3
BANDS = (5.0, 10.0)
GP_FILTER = "\"category\" = 'gp_surgery' AND \"in_la\" = 'True'"
#: Each surgery is moved to these offsets (metres east, north) in turn: short drags and long ones.
MOVES = ((300.0, 0.0), (1500.0, 1000.0), (-800.0, 400.0))


def default_data() -> Path:
    return REPO.parent / "shared" / "data" / "real" / "rutland"


def run(data: Path, method: str, cache: Path) -> list[float]:
    """The update times (seconds) of one scenario: every surgery moved three times, one site added, one removed."""
    from qgis.core import QgsVectorLayer

    from lis_qgis_plugin.core.access.service_catchments import CatchmentOptions
    from lis_qgis_plugin.core.access.what_if import Scenario

    options = CatchmentOptions(
        method=method,
        bands=BANDS,
        facility_filter=GP_FILTER,
        facility_id_field="organisation_id",
        population_field="usual_residents_2011",
        cache_dir=cache,
    )
    network = f"{data / 'network' / 'rutland_osm_highways.gpkg'}|layername=highways"
    facilities = data / "services" / "rutland_nhs_services_nhschoices_2014.csv"
    demand = QgsVectorLayer(
        str(data / "population" / "rutland_lsoa11_popweighted_centroids_DERIVED.geojson"), "centroids", "ogr"
    )
    for attempt in ("first start", "graph cached"):
        started = time.perf_counter()
        scenario = Scenario.start(facilities, network, options, demand=demand)
        print(f"  {method}: {attempt} {time.perf_counter() - started:.2f} s ({len(scenario.sites)} sites)")
    times: list[float] = []
    for ident in list(scenario.sites):
        x, y = scenario.sites[ident].xy
        for dx, dy in MOVES:
            times.append(scenario.move_site(ident, (x + dx, y + dy)).seconds)
    first = next(iter(scenario.sites.values()))
    added = scenario.add_site((first.xy[0] + 2000.0, first.xy[1]))
    times.append(added.seconds)
    times.append(scenario.remove_site(added.site_id).seconds)
    searches = len(scenario.sites) + len(MOVES) * len(scenario.sites) + 1
    assert scenario.searches == searches, (scenario.searches, searches)  # one search per move or addition
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data(), help="the Rutland data folder")
    args = parser.parse_args()
    if not (args.data / "network").is_dir():
        print(f"Rutland's data is missing: expected {args.data}")
        return 1
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    print(f"What-if updates on Rutland (bands {', '.join(f'{b:g}' for b in BANDS)} min), goal under {GOAL_S} s each:")
    missed = False
    with tempfile.TemporaryDirectory(prefix="lis_bench_what_if_") as folder:
        for method, label in (("filled", "filled areas"), ("network", "road buffers")):
            times = run(args.data, method, Path(folder) / "cache")
            median, worst = statistics.median(times), max(times)
            verdict = "met" if worst < GOAL_S else "MISSED"
            missed |= worst >= GOAL_S
            print(
                f"{label}: {len(times)} updates, median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms "
                f"(goal {GOAL_S * 1000:.0f} ms: {verdict})"
            )
    app.exitQgis()
    if missed:
        print("A goal was missed: see the slowest update above (run with python -m cProfile to see where it goes).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
