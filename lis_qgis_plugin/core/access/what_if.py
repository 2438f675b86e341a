"""What-if on the map: add, move and remove service sites and see the catchments and coverage change at once.

A :class:`Scenario` reads the inputs of ``lis:servicecatchments`` once (the cached road graph, the
facilities, the demand) and snaps the demand to the roads once. Each site then keeps its own bounded
reverse search and its catchment polygons; adding, moving or removing a site recomputes only that
site's search and areas, then the assignment (each demand point's quickest site: the least over the
per-site cost arrays, a cheap numpy step) and the coverage headline. So an update costs one search
and one site's areas, whatever the number of sites.

Each site is snapped on its own onto the demand-snapped graph: the costs at the demand nodes are then
the same as those of one run that snaps everything together (splitting a road keeps its costs), and a
full ``lis:servicecatchments`` run is the oracle the tests check the scenario against.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from qgis.core import QgsFeedback, QgsGeometry, QgsPointXY, QgsVectorLayer

from ..common.errors import LisError, LogLine
from ..common.progress import check_cancel, report_progress
from ..io.gpkg_writer import FeatureTable
from ..io.layer_output import write_outputs
from ..network.graph_cache import load_or_build, source_identity
from ..network.network_search import costs_from
from ..network.road_network import RoadGraph, Source, open_road_layer
from .catchment_geometry import RoadPoints, catchment_polygons, road_points
from .coverage import ALL_FACILITIES, CoverageRow, coverage_table
from .point_inputs import DemandPoints
from .service_catchments import (
    CatchmentOptions,
    CatchmentOutcome,
    FacilitiesInput,
    ServiceCatchmentError,
    check_options,
    coverage_lines,
    filled_areas,
    prepare_inputs,
    surface_samples,
)
from .travel_surface import SamplePlaces, SurfaceGrid, surface_grid, walk_cost_per_m

#: A site's status in a saved scenario: as read, placed by the user, or moved by the user.
KEPT, ADDED, MOVED = "kept", "added", "moved"


class WhatIfError(LisError, ValueError):
    """A site cannot go where it was asked (too far from the roads), or the scenario has no such site."""


@dataclass
class ScenarioSite:
    """One site of the scenario: where it is, its search and its catchment polygons (one per band)."""

    id: str
    name: str
    xy: tuple[float, float]
    status: str
    #: per demand point, the cost to this site in the bands' unit (``inf`` beyond the largest band)
    demand_cost: np.ndarray
    #: the catchment within each band (empty geometry: the band reaches no road)
    polygons: list[QgsGeometry]
    snap_m: float = 0.0


@dataclass
class Update:
    """What one change did: the site whose areas to redraw (None: removed), the headline, and how long it took."""

    site_id: str
    site: ScenarioSite | None
    headline: list[LogLine]
    seconds: float


@dataclass
class _Demand:
    """The demand snapped once: its nodes on the demand-snapped graph, placed or not, population and decile."""

    points: DemandPoints
    nodes: np.ndarray
    placed: np.ndarray


@dataclass
class _Drawing:
    """What every site's areas are drawn from, built once per scenario for the chosen catchment shape."""

    road: RoadPoints | None = None  # road buffers
    samples: RoadPoints | None = None  # filled areas: the road samples, their places and the grid
    places: SamplePlaces | None = None
    grid: SurfaceGrid | None = None


@dataclass
class Scenario:
    """The sites, the demand and the graph of a what-if session; see the module docstring.

    Build it with :meth:`start`. ``searches`` counts the network searches run since the start, so a
    caller (and the tests) can see that an update ran exactly one.
    """

    options: CatchmentOptions
    graph: RoadGraph  # the road graph with a node at every placed demand point
    demand: _Demand | None
    sites: dict[str, ScenarioSite]
    counts_points: bool = False
    crs_authid: str = ""
    network_label: str = ""
    searches: int = 0
    log: list[LogLine] = field(default_factory=list)
    #: why each site read but left out of the scenario was left out (too far from the roads)
    left_out: list[str] = field(default_factory=list)
    _drawing: _Drawing = field(default_factory=_Drawing)
    _next_number: int = 1

    # --- building -----------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        facilities: FacilitiesInput,
        network: Source,
        options: CatchmentOptions,
        *,
        areas: QgsVectorLayer | None = None,
        demand: QgsVectorLayer | None = None,
        feedback: QgsFeedback | None = None,
    ) -> Scenario:
        """Read the inputs as ``lis:servicecatchments`` does, snap the demand, and search and draw every site.

        ``options.method``: "network" (road buffers) or "filled"; overlapping catchments. The graph comes
        from the cache when it is there (``options.cache_dir``). Raises the same errors as the tool.
        """
        if options.method not in ("network", "filled"):
            raise ServiceCatchmentError(
                f"The what-if tool draws network catchments (road buffers or filled areas), not {options.method!r}."
            )
        options = replace(options, overlap="overlapping")
        check_options(options, network, areas)
        log: list[LogLine] = []
        report_progress(feedback, 1)
        _build_graph_first(network, options, feedback)
        inputs = prepare_inputs(facilities, network, areas, demand, options, log, feedback)
        check_cancel(feedback)
        assert inputs.graph is not None
        base = inputs.graph
        people = inputs.demand
        network_label = f"{options.mode} network"
        if people is not None:
            snapped = base.snap(
                people.xy, options.snap_warning_m, main_only=options.snap_to_main, max_distance_m=options.max_snap_m
            )
            graph, snapped_demand = snapped.graph, _Demand(people, snapped.nodes, snapped.placed)
        else:
            graph, snapped_demand = base, None
        scenario = cls(options, graph, snapped_demand, {}, inputs.counts_points, inputs.crs_authid, network_label)
        scenario.log = log
        scenario._drawing = scenario._drawing_inputs()
        found = inputs.facilities
        for index, ident in enumerate(found.ids):
            check_cancel(feedback)
            report_progress(feedback, 50 + 50 * index / max(len(found.ids), 1))
            xy = (float(found.xy[index][0]), float(found.xy[index][1]))
            try:
                scenario.sites[ident] = scenario._site(ident, inputs.facility_names.get(ident, ""), xy, KEPT)
            except WhatIfError as error:
                scenario.left_out.append(f"{error} It is left out of the scenario.")
                log.append(LogLine(scenario.left_out[-1], True))
        report_progress(feedback, 100)
        return scenario

    def _drawing_inputs(self) -> _Drawing:
        graph, options = self.graph, self.options
        if options.method == "filled":
            samples = surface_samples(graph, options)
            grid = surface_grid(graph.node_xy, options.cell_m, options.max_off_network_m)
            return _Drawing(samples=samples, places=SamplePlaces.of(samples.xy), grid=grid)
        # points along the roads, as travelled towards the facility (costs are costs TO it)
        road = road_points(graph.node_xy, graph.edge_to, graph.edge_from, graph.edge_cost, options.buffer_m)
        return _Drawing(road=road)

    # --- one site -----------------------------------------------------------------------------

    def _site(self, ident: str, name: str, xy: tuple[float, float], status: str) -> ScenarioSite:
        """Snap one site, run its one bounded reverse search and draw its areas."""
        options = self.options
        snapped = self.graph.snap(
            np.array([xy], float),
            options.snap_warning_m,
            main_only=options.snap_to_main,
            max_distance_m=options.max_snap_m,
        )
        distance = float(snapped.distance_m[0])
        if not bool(snapped.placed[0]):
            raise WhatIfError(
                f"Site {name or ident} is {distance:,.0f} m from the {self.network_label}, more than the "
                f"{options.max_snap_m:,.0f} m allowed: place it nearer a road."
            )
        limits = [band * options.per_unit for band in options.limits]
        # the site's own graph: the demand-snapped graph with a node where the site meets the road
        costs = costs_from(snapped.graph, int(snapped.nodes[0]), limits[-1], reverse=True)
        self.searches += 1
        known = costs[: self.graph.node_count]  # the site's own node is not on the shared drawing points
        reached = np.flatnonzero(np.isfinite(known))
        polygons, at_demand = self._areas(reached, known[reached], limits)
        return ScenarioSite(ident, name, xy, status, at_demand, polygons, distance)

    def _areas(
        self, nodes: np.ndarray, costs: np.ndarray, limits: Sequence[float]
    ) -> tuple[list[QgsGeometry], np.ndarray]:
        """The site's catchment within each limit (graph units) and its cost at every demand point (band units)."""
        per_unit, drawing, demand = self.options.per_unit, self._drawing, self.demand
        if drawing.samples is not None and drawing.places is not None and drawing.grid is not None:
            xy, cost = drawing.places.cheapest(*drawing.samples.take(nodes, costs))
            demand_xy = demand.points.xy if demand is not None else None
            walk = walk_cost_per_m(self.options.cost)
            polygons, at = filled_areas(
                drawing.grid, xy, cost, walk, self.options.max_off_network_m, limits, demand_xy, distinct=True
            )
            at = np.where(at <= limits[-1], at, np.inf)
        else:
            assert drawing.road is not None
            polygons = catchment_polygons(drawing.road, nodes, costs, limits)
            at = np.full(0, np.inf)
            if demand is not None:
                full = np.full(self.graph.node_count, np.inf)
                full[nodes] = costs
                at = full[demand.nodes]
        if demand is not None:
            at = np.where(demand.placed, at, np.inf)
        return polygons, at / per_unit

    # --- changes ------------------------------------------------------------------------------

    def add_site(self, xy: tuple[float, float], name: str = "") -> Update:
        """Place a new site at ``xy`` (the scenario's CRS); its id is ``new_1``, ``new_2``..."""
        started = time.perf_counter()
        ident = self._new_id()
        site = self._site(ident, name or ident, (float(xy[0]), float(xy[1])), ADDED)
        self.sites[ident] = site
        return self._update(ident, site, started)

    def move_site(self, ident: str, xy: tuple[float, float]) -> Update:
        """Move site ``ident`` to ``xy``: only its search and areas are worked out again."""
        started = time.perf_counter()
        old = self._existing(ident)
        status = ADDED if old.status == ADDED else MOVED
        site = self._site(ident, old.name, (float(xy[0]), float(xy[1])), status)
        self.sites[ident] = site
        return self._update(ident, site, started)

    def remove_site(self, ident: str) -> Update:
        """Take site ``ident`` out of the scenario (no search runs)."""
        started = time.perf_counter()
        self._existing(ident)
        del self.sites[ident]
        return self._update(ident, None, started)

    def _existing(self, ident: str) -> ScenarioSite:
        if ident not in self.sites:
            raise WhatIfError(f"The scenario has no site {ident!r}.")
        return self.sites[ident]

    def _new_id(self) -> str:
        while f"new_{self._next_number}" in self.sites:
            self._next_number += 1
        ident = f"new_{self._next_number}"
        self._next_number += 1
        return ident

    def _update(self, ident: str, site: ScenarioSite | None, started: float) -> Update:
        headline = self.headline()
        return Update(ident, site, headline, time.perf_counter() - started)

    # --- the answer ---------------------------------------------------------------------------

    def nearest_site(self, xy: tuple[float, float], within_m: float) -> str | None:
        """The id of the site nearest ``xy`` if it is within ``within_m`` (the map tool's pick)."""
        best, best_d = None, within_m
        for ident, site in self.sites.items():
            distance = math.hypot(site.xy[0] - xy[0], site.xy[1] - xy[1])
            if distance <= best_d:
                best, best_d = ident, distance
        return best

    def assignment(self) -> tuple[list[str | None], np.ndarray]:
        """Each demand point's quickest site (None: none within the largest band) and its cost in band units."""
        if self.demand is None:
            return [], np.empty(0)
        count = len(self.demand.points.fids)
        if not self.sites:
            return [None] * count, np.full(count, np.inf)
        ids = list(self.sites)
        stacked = np.vstack([self.sites[ident].demand_cost for ident in ids])
        best = np.argmin(stacked, axis=0)
        cost = stacked[best, np.arange(count)]
        return [ids[b] if math.isfinite(c) else None for b, c in zip(best, cost)], cost

    def coverage(self) -> list[CoverageRow]:
        """The coverage table of the current sites: per site, then all sites (people within each band)."""
        if self.demand is None:
            return []
        assigned, cost = self.assignment()
        chosen = np.flatnonzero(self.demand.placed)  # points too far from the roads are left out, as in the tool
        points = self.demand.points
        return coverage_table(
            [assigned[i] for i in chosen],
            [float(cost[i]) for i in chosen],
            [float(points.population[i]) for i in chosen],
            self.options.limits,
            [points.decile[i] for i in chosen] if points.decile is not None else None,
        )

    def overall(self) -> CoverageRow | None:
        """The coverage row of all sites together (None without demand)."""
        return next((row for row in self.coverage() if row.facility == ALL_FACILITIES), None)

    def headline(self) -> list[LogLine]:
        """The Services page's coverage headline for the current sites: people within each band, deprived beyond."""
        if self.demand is None:
            return [LogLine("No demand points or small areas were given: no coverage to show.")]
        outcome = CatchmentOutcome("", None, None, list(self.sites), self.options.limits, self.options.unit)
        outcome.coverage, outcome.counts_points = self.coverage(), self.counts_points
        return coverage_lines(outcome, self.options.max_snap_m, self.network_label)


def _build_graph_first(network: Source, options: CatchmentOptions, feedback: QgsFeedback | None) -> None:
    """Build and cache the graph of a network file with progress and cancel, so the long first step can be
    followed and stopped; :func:`.service_catchments.prepare_inputs` then reads it from the cache in
    milliseconds. A network that is not a file is built once, by prepare_inputs."""
    if feedback is None or source_identity(open_road_layer(network)) is None:
        return
    load_or_build(network, options.travel, cache_dir=options.cache_dir, feedback=feedback)
    check_cancel(feedback)


def save_scenario(scenario: Scenario, path: Path | str, layer_name: str = "scenario_sites") -> str:
    """Write the scenario's sites to a new GeoPackage point layer (site_id, name, status); returns its URI.

    The file is written whole (a file already at ``path`` is replaced), as every LIS output is.
    """
    sites = list(scenario.sites.values())
    rows = [{"site_id": site.id, "name": site.name, "status": site.status} for site in sites]
    wkb = [bytes(QgsGeometry.fromPointXY(QgsPointXY(*site.xy)).asWkb()) for site in sites]
    table = FeatureTable(layer_name, [("site_id", str), ("name", str), ("status", str)], rows, "Point", wkb)
    return write_outputs([(f"{Path(path)}|layername={layer_name}", table)], scenario.crs_authid)[0]
