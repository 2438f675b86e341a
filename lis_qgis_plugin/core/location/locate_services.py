"""Where should new sites (a children's centre, a surgery...) go? Chosen on the road network (``lis:locateservices``).

The one function the Processing algorithm calls (the demo and notebooks can call
:func:`locate_services` directly). It reads

* the demand: points, or polygons through their point on surface, with a population
  (``weight_field``) and an optional need field turned into a weight multiplier by
  :func:`need_multiplier` (rule ``"decile"``: national IMD deciles 1-2 count twice, 3-4 one and a
  half times, 5-10 once; rule ``"score"``: each score divided by the mean score);
* the sites already open (``existing``: they stay open whatever is chosen) and the candidate
  sites (``candidates``), points with an id and a name;
* the road network (a line layer, GeoPackage or ``.osm.pbf`` through the graph cache), or none
  for straight-line distance.

It then builds the demand x site cost matrix with one bounded **reverse** search per site (the
cost from every road node TO the site, as people travel; searches run in chunks through
:func:`~.network_search.iter_costs`; for MCLP and LSCP they stop at ``max_cost``), asks
:func:`~.location_solver.solve` for the best new sites (p-median, MCLP or LSCP), and writes three
GeoPackage layers: the chosen sites in choice order with their marginal gain, each demand point
with its nearest open site and cost before and after, and a before/after summary (population
weighted mean and 90th percentile cost, population and most deprived population within
``max_cost``). The log leads with one plain sentence. Inputs are only read.

The run is a row of public stages, each tested on its own: :func:`check_options`,
:func:`prepare_inputs` (the graph, the demand and the sites, read once), :func:`route` (the cost
matrix of :func:`site_costs`, checked by :func:`check_reach`), :func:`nothing_to_gain` (a coverage
question no new site can improve is answered, with its reason, instead of solved),
:func:`choose_sites`, :func:`compare_scenarios` and :func:`explain`, then :func:`locate_tables`
and :func:`write_locate_outputs`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from qgis.core import QgsFeedback, QgsGeometry, QgsPointXY, QgsVectorLayer
from scipy.spatial import distance_matrix

from ..access.point_inputs import (
    NOT_PLACED,
    DemandPoints,
    InputLayerError,
    LayerPoints,
    Sites,
    check_outputs_are_new,
    demand_subset,
    far_from_network,
    field_from_areas,
    field_index,
    not_placed_headline,
    not_placed_rows,
    not_placed_table,
    numeric_field,
    placement_lines,
    read_demand_points,
    read_facilities,
    refuse_empty,
    refuse_negative_values,
    refuse_null_values,
    refuse_unplaced,
    sites_subset,
    work_crs,
)
from ..common.errors import LisError, LogLine
from ..common.progress import check_cancel, report_progress
from ..common.wording import list_labels, plural
from ..io.gpkg_writer import FeatureTable
from ..io.layer_output import gpkg_destination, write_outputs
from ..io.layer_values import attribute_number
from ..network.graph_cache import graph_line, load_or_build
from ..network.network_search import iter_costs, nearest_sources
from ..network.road_network import DEFAULT_MAX_SNAP_M, DEFAULT_SNAP_WARNING_M, RoadGraph, Source, TravelMode
from .locate_summary import ScenarioSummary, amount, headline, scenario_summary, scenario_text, unit_words
from .location_solver import EXACT_LIMIT, OBJECTIVES, LocationError, Solution, solve

NEED_RULES = ("decile", "score")
#: Rule "decile": weight multiplier by national IMD decile (1 = most deprived); deciles 5-10 count once.
DECILE_MULTIPLIERS = {1: 2.0, 2: 2.0, 3: 1.5, 4: 1.5}
OBJECTIVE_LABELS = {
    "pmedian": "p-median (shortest average journey)",
    "mclp": "maximal covering (MCLP: most people within the standard)",
    "lscp": "set covering (LSCP: fewest sites covering everyone)",
}
#: The method of a run that chose nothing, as no new site could bring anyone within the standard.
NOT_SOLVED = "none needed: no new site would bring anyone within the standard"
#: Scipy's Dijkstra stops just before costs equal to the limit in some versions: search a hair further.
_LIMIT_SLACK = 1e-9


class LocateServicesError(LisError, ValueError):
    """The inputs cannot give new sites; the message names the layer, field or features and what to do."""


@dataclass(frozen=True)
class LocateOptions:
    """The choices of one run: the question (objective, P, standard), the fields to read, how people travel.

    One frozen object instead of twenty arguments at every stage: the stages read what they need
    by name, and :func:`check_options` checks the combination once, before anything is read.
    """

    weight_field: str
    need_field: str | None = None
    need_rule: str = "decile"
    candidate_id_field: str | None = None
    candidate_name_field: str | None = None
    candidate_filter: str | None = None
    existing_id_field: str | None = None
    existing_filter: str | None = None
    mode: str = "drive"
    cost: str = "time"
    speed_field: str | None = None
    objective: str = "mclp"
    p: int = 1
    max_cost: float | None = 10.0
    exact_limit: int | None = None
    snap_warning_m: float = DEFAULT_SNAP_WARNING_M
    cache_dir: Path | str | None = None
    speeds_kph: Mapping[str, float] | None = None
    max_snap_m: float = DEFAULT_MAX_SNAP_M
    snap_to_main: bool = True

    @property
    def travel(self) -> TravelMode:
        return TravelMode(
            kind=self.mode, cost=self.cost, speed_field=self.speed_field or None, speeds_kph=self.speeds_kph
        )

    @property
    def search_limit(self) -> float | None:
        """Coverage objectives need costs up to the standard only; p-median needs every cost."""
        return self.max_cost if self.objective in ("mclp", "lscp") else None


@dataclass
class LocateInputs:
    """What the run reads once: the demand and the sites in the working CRS, the road graph (None: straight line)."""

    demand: DemandPoints
    candidates: Sites
    existing: Sites
    candidates_label: str  # the candidates layer as messages name it, with its filter
    crs_authid: str
    network_line: str  # the log line that says which network (or none) gave the costs
    graph: RoadGraph | None = None
    from_cache: bool = False
    #: sites and demand left out for lying beyond the maximum snap distance, and what the log says of snapping
    not_placed: list[dict[str, Any]] = field(default_factory=list)
    placement_log: list[LogLine] = field(default_factory=list)

    @property
    def existing_cols(self) -> list[int]:
        """The existing sites' columns of the cost matrix (they come first)."""
        return list(range(len(self.existing.ids)))

    @property
    def candidate_cols(self) -> list[int]:
        """The candidates' columns of the cost matrix (after the existing sites)."""
        start = len(self.existing.ids)
        return list(range(start, start + len(self.candidates.ids)))


@dataclass
class SiteCosts:
    """The demand x site cost matrix (cost ``unit``; ``inf`` unreachable or beyond ``limit``) and how it was made."""

    matrix: np.ndarray
    unit: str  # "min", "m" or "m (straight line)"
    limit: float | None = None
    graph: RoadGraph | None = None
    site_nodes: np.ndarray | None = None
    demand_nodes: np.ndarray | None = None
    per_unit: float = 1.0  # graph cost units per cost unit (60 s per minute)
    snap_m: np.ndarray | None = None  # sites, then demand
    far: np.ndarray | None = None
    fragment: np.ndarray | None = None  # sites, then demand: snapped past a nearer road cut off from the network

    def nearest(self, columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Per demand point: the cost to the nearest of the site ``columns`` (no limit) and its position in them.

        On the network one multi-source search, as lis:servicecatchments assigns demand; the
        position is -1 (cost ``inf``) when no site in ``columns`` can be reached.
        """
        demand_count = self.matrix.shape[0]
        columns = [int(c) for c in columns]
        if not columns:
            return np.full(demand_count, np.inf), np.full(demand_count, -1, dtype=np.int64)
        if self.graph is None or self.site_nodes is None or self.demand_nodes is None:
            sub = self.matrix[:, columns]
            position = np.argmin(sub, axis=1).astype(np.int64)
            cost = sub[np.arange(demand_count), position]
            position[~np.isfinite(cost)] = -1
            return cost, position
        node_cost, node_source = nearest_sources(self.graph, self.site_nodes[columns], reverse=True)
        return node_cost[self.demand_nodes] / self.per_unit, node_source[self.demand_nodes]


@dataclass(frozen=True)
class NothingToGain:
    """A coverage question no new site can improve: the answer (``reason``) and what would change it (``advice``).

    Not an error: the existing sites already cover everyone, or no candidate is within the standard of
    anyone left. The run still writes its tables (no site chosen, before = after) and says why.
    """

    reason: str  # the headline's words after the colon, such as "all 37,369 residents already are"
    advice: str  # what would let a new site add someone ('' when everyone is already within reach)
    anyone_new: bool = True  # "anyone new" (some are within reach) or "anyone" (nobody could be)


@dataclass
class LocateOutcome:
    """Where the outputs went, the sites chosen, the before/after numbers and the log that explains them."""

    output_uri: str
    assignment_uri: str | None
    summary_uri: str | None
    objective: str
    unit: str
    max_cost: float | None
    solution: Solution
    chosen_ids: list[str]
    chosen_names: list[str]
    headline: str
    before: ScenarioSummary
    after: ScenarioSummary
    demand: DemandPoints
    cost_before: np.ndarray
    cost_after: np.ndarray
    site_before: list[str | None]
    site_after: list[str | None]
    new_site_after: list[bool | None]  # whether each demand point's nearest open site after is a new one
    newly_within: list[float | None]  # per chosen site: people it brings within max_cost, in choice order
    uncovered: list[str]  # demand codes not within max_cost of any open site after (MCLP, LSCP)
    costs: SiteCosts
    existing_ids: list[str] = field(default_factory=list)
    not_placed: list[dict[str, Any]] = field(default_factory=list)
    people_served: list[float] = field(default_factory=list)  # per chosen site: people it is nearest for, after
    from_cache: bool = False
    log: list[LogLine] = field(default_factory=list)
    #: why no new site was chosen when none could bring anyone within the standard (None: sites were chosen)
    nothing_to_gain: NothingToGain | None = None


# --- need ----------------------------------------------------------------------------------------


def need_multiplier(values: Sequence[float], rule: str) -> np.ndarray:
    """The weight multiplier of each need value.

    ``"decile"``: national IMD deciles (1 = most deprived) 1-2 x2, 3-4 x1.5, 5-10 x1 (values must be
    whole numbers 1 to 10). ``"score"``: score / mean score (so an average area counts once; scores
    must be 0 or more, with a mean above 0). Raises LocateServicesError for values outside the rule.
    """
    array = np.asarray(values, dtype=float)
    if rule == "decile":
        bad = ~np.isfinite(array) | (array < 1) | (array > 10) | (array != np.round(array))
        if bad.any():
            raise LocateServicesError("Deciles must be whole numbers from 1 (most deprived) to 10.")
        return np.array([DECILE_MULTIPLIERS.get(int(value), 1.0) for value in array])
    if rule == "score":
        if (~np.isfinite(array) | (array < 0)).any():
            raise LocateServicesError("Need scores must be 0 or more.")
        mean = float(array.mean()) if len(array) else 0.0
        if not mean > 0:
            raise LocateServicesError("Need scores are all 0: there is nothing to weight by.")
        return array / mean
    raise LocateServicesError(f"The need rule must be one of {', '.join(NEED_RULES)}, not {rule!r}.")


def read_demand(
    layer: QgsVectorLayer,
    crs_authid: str,
    weight_field: str,
    need_field: str | None = None,
    need_rule: str = "decile",
    areas: QgsVectorLayer | None = None,
) -> DemandPoints:
    """Each demand feature's point (polygons: point on surface) in ``crs_authid``, population, need and weight.

    ``need_field`` is read from the demand layer or, when it has no such field, from the small area
    (``areas``) containing each point. Features without geometry, NULL or negative populations, NULL
    needs and needs outside the rule are refused with the features named.
    """
    refuse_empty(layer, "DEMAND")
    if not weight_field:
        raise LocateServicesError("WEIGHT_FIELD: choose the population field of the demand layer.")
    population_field = numeric_field(layer, weight_field, "WEIGHT_FIELD")
    where = repr(layer.name())  # the layer the need is read from, as messages name it
    if need_field:
        if need_rule not in NEED_RULES:
            raise LocateServicesError(f"NEED_RULE must be one of {', '.join(NEED_RULES)}, not {need_rule!r}.")
        from_areas = field_from_areas(layer, areas, need_field, "NEED_FIELD")
        need_layer = areas if from_areas and areas is not None else layer
        numeric_field(need_layer, need_field, "NEED_FIELD")
        if need_layer is not layer:
            where = f"the small areas {need_layer.name()!r}"
    points = read_demand_points(layer, crs_authid, population_field, need_field, areas, "NEED_FIELD")
    refuse_unplaced(points, "DEMAND")
    refuse_null_values(points, "WEIGHT_FIELD", weight_field, "demand point", "nobody lives there")
    refuse_negative_values(points, "WEIGHT_FIELD", weight_field, "demand point")
    needs: list[float] | None = None
    multiplier = np.ones(len(points))
    deciles: list[int | None] | None = None
    if need_field:
        needs = [math.nan if (number := attribute_number(value)) is None else float(number) for value in points.extra]
        multiplier, deciles = need_weights(points, needs, need_field, need_rule, where)
    return DemandPoints(
        points.fids,
        points.labels,
        points.xy,
        points.shapes,
        points.geometry_type,
        points.values,
        needs,
        multiplier,
        points.values * multiplier,
        deciles,
    )


def need_weights(
    points: LayerPoints, needs: list[float], need_field: str, need_rule: str, where: str
) -> tuple[np.ndarray, list[int | None] | None]:
    """The weight multiplier of each demand point and, for the decile rule, its decile; NULL or odd needs refused.

    ``where``: the layer the need was read from, as the messages name it.
    """
    blank = [points.label(i) for i, value in enumerate(needs) if math.isnan(value)]
    if blank:
        raise LocateServicesError(
            f"NEED_FIELD: {len(blank):,} demand points have no {need_field} in {where} (NULL, or outside every "
            f"small area): {list_labels(blank)}. Fill them in or leave NEED_FIELD empty."
        )
    try:
        multiplier = need_multiplier(needs, need_rule)
    except LocateServicesError as error:
        if need_rule == "decile":
            odd = [f"{points.label(i)} ({value:g})" for i, value in enumerate(needs) if value not in range(1, 11)]
            raise LocateServicesError(
                f"NEED_FIELD: {error} {need_field} of {where} has other values: {list_labels(odd)}. "
                "Choose the decile field, or the need rule 'score' for a score."
            ) from None
        raise LocateServicesError(f"NEED_FIELD: {error} (field {need_field} of {where}).") from None
    return multiplier, [int(value) for value in needs] if need_rule == "decile" else None


# --- sites ---------------------------------------------------------------------------------------


def read_sites(
    layer: QgsVectorLayer,
    crs_authid: str,
    parameter: str,
    id_field: str | None = None,
    name_field: str | None = None,
    where: str | None = None,
) -> Sites:
    """The sites of a point layer (``where``: a QGIS expression choosing some); ids must be unique.

    Read by lis:servicecatchments' facility reader; its messages are prefixed with ``parameter``.
    """
    try:
        field_index(layer, name_field, "name")
        # the reader carries one extra field per site ("capacity"): here it brings the names
        found = read_facilities(layer, crs_authid, id_field, name_field or None, where)
    except InputLayerError as error:
        text = str(error).replace("Facility ids", "Site ids").replace("facilities layer", "layer")
        raise LocateServicesError(f"{parameter}: {text}") from None
    names = [str(value).strip() if value is not None else "" for value in found.capacity]
    return Sites(found.ids, names, found.xy)


# --- costs ---------------------------------------------------------------------------------------


def site_costs(
    graph: RoadGraph | None,
    site_xy: np.ndarray,
    demand_xy: np.ndarray,
    limit: float | None = None,
    snap_warning_m: float = DEFAULT_SNAP_WARNING_M,
    feedback: QgsFeedback | None = None,
    progress: tuple[float, float] = (0.0, 100.0),
    main_only: bool = False,
) -> SiteCosts:
    """The demand x site cost matrix: minutes (time) or metres on the network, else straight-line metres.

    On the network, sites and demand are snapped in one call, then one reverse search per site (in
    chunks of :data:`~.network_search.CHUNK`) gives the cost from every node TO it; ``limit`` (in
    minutes or metres) stops each search there, costs beyond it are ``inf``. Without a graph, the
    straight-line distances between the points (a projected CRS in metres).
    """
    site_xy = np.asarray(site_xy, dtype=float).reshape(-1, 2)
    demand_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    if graph is None:
        return SiteCosts(distance_matrix(demand_xy, site_xy), "m (straight line)", limit)
    per_unit = 60.0 if graph.mode.cost == "time" else 1.0
    snapped = graph.snap(np.vstack([site_xy, demand_xy]), snap_warning_m, main_only=main_only)
    count = len(site_xy)
    site_nodes, demand_nodes = snapped.nodes[:count], snapped.nodes[count:]
    matrix = np.full((len(demand_xy), count), np.inf)
    search_limit = None if limit is None else limit * per_unit * (1 + _LIMIT_SLACK) + _LIMIT_SLACK
    low, high = progress
    for position, row in iter_costs(snapped.graph, site_nodes, search_limit, reverse=True):
        report_progress(feedback, low + (high - low) * position / max(count, 1))
        matrix[:, position] = row[demand_nodes] / per_unit
    return SiteCosts(
        matrix,
        "min" if graph.mode.cost == "time" else "m",
        limit,
        snapped.graph,
        site_nodes,
        demand_nodes,
        per_unit,
        snapped.distance_m,
        snapped.far,
        snapped.fragment,
    )


# --- the tool ------------------------------------------------------------------------------------


def check_options(options: LocateOptions, network: Source | None) -> None:
    """Refuse a question that cannot be asked (an unknown objective, a coverage objective without a standard...)."""
    objective, max_cost = options.objective, options.max_cost
    if objective not in OBJECTIVES:
        raise LocateServicesError(f"OBJECTIVE must be one of {', '.join(OBJECTIVES)}, not {objective!r}.")
    if options.cost not in ("time", "distance"):
        raise LocateServicesError(f"COST must be 'time' or 'distance', not {options.cost!r}.")
    if network is None and options.cost == "time":
        raise LocateServicesError(
            "Travel time needs a road network (NETWORK): give one, or choose cost 'distance' to measure straight-line "
            "metres."
        )
    if max_cost is not None and not (max_cost > 0 and math.isfinite(max_cost)):
        raise LocateServicesError(f"MAX_COST must be a positive number of minutes or metres, not {max_cost:g}.")
    if objective != "pmedian" and max_cost is None:
        raise LocateServicesError(
            f"The {OBJECTIVE_LABELS[objective]} objective needs MAX_COST, the coverage standard "
            "(such as 10 minutes or 1,600 metres)."
        )
    if objective != "lscp" and (options.p is None or int(options.p) < 1):
        raise LocateServicesError("P: choose how many new sites to open (1 or more).")


def prepare_inputs(
    demand: QgsVectorLayer,
    candidates: QgsVectorLayer,
    existing: QgsVectorLayer | None,
    areas: QgsVectorLayer | None,
    network: Source | None,
    options: LocateOptions,
    feedback: QgsFeedback | None = None,
) -> LocateInputs:
    """Read everything once: the road graph (from the cache when it can), the demand, the candidates, the sites open.

    Without a network, costs are straight-line metres in the first projected CRS of the layers.
    Refuses a P larger than the candidates.
    """
    graph: RoadGraph | None = None
    from_cache = False
    if network is not None:
        graph, from_cache = load_or_build(network, options.travel, cache_dir=options.cache_dir)
        crs_authid = graph.crs_authid
        network_line = graph_line(graph, from_cache)
    else:
        crs_authid = work_crs([demand, candidates, existing])
        network_line = f"No road network: straight-line distances in {crs_authid}."
    report_progress(feedback, 25)
    people = read_demand(demand, crs_authid, options.weight_field, options.need_field, options.need_rule, areas)
    new = read_sites(
        candidates,
        crs_authid,
        "CANDIDATES",
        options.candidate_id_field,
        options.candidate_name_field,
        options.candidate_filter,
    )
    old = (
        read_sites(existing, crs_authid, "EXISTING", options.existing_id_field, None, options.existing_filter)
        if existing is not None
        else Sites([], [], np.empty((0, 2)))
    )
    label = candidates.name() + (f" (filter {options.candidate_filter})" if options.candidate_filter else "")
    inputs = LocateInputs(people, new, old, label, crs_authid, network_line, graph, from_cache)
    if graph is not None:
        place_inputs(inputs, graph, options)
    refuse_zero_weights(inputs.demand, options)
    new = inputs.candidates
    if options.objective != "lscp" and int(options.p) > len(new.ids):
        raise LocateServicesError(
            f"P is {int(options.p)} but the candidates layer {label!r} has only {plural('site', len(new.ids))}: "
            f"choose P of at most {len(new.ids)}, or add candidate sites."
        )
    report_progress(feedback, 30)
    return inputs


def place_inputs(inputs: LocateInputs, graph: RoadGraph, options: LocateOptions) -> None:
    """Leave out the sites and demand farther than the maximum snap distance from the network, and say so.

    Snapped as the costs will be (to the main network unless ``snap_to_main`` is off). Candidates,
    sites open and demand that all lie too far are refused: nothing could be located.
    """
    old, new, people = inputs.existing, inputs.candidates, inputs.demand
    snapped = graph.snap(
        np.vstack([old.xy, new.xy, people.xy]), main_only=options.snap_to_main, max_distance_m=options.max_snap_m
    )
    network = f"{options.mode} network"
    first, last = len(old.ids), len(old.ids) + len(new.ids)
    parts: list[tuple[str, list[str], slice]] = [
        ("site open", [old.label(i) for i in range(first)], slice(0, first)),
        ("candidate site", [new.label(i) for i in range(len(new.ids))], slice(first, last)),
        ("demand point", people.codes, slice(last, None)),
    ]
    for noun, labels, rows in parts:
        inputs.placement_log += placement_lines(noun, labels, snapped, rows, options.max_snap_m, network)
        inputs.not_placed += not_placed_rows(noun, labels, snapped.distance_m[rows], snapped.placed[rows])
    if not inputs.not_placed:
        return
    keep = [np.flatnonzero(snapped.placed[rows]) for _, _, rows in parts]
    for (noun, _, _), kept in zip(parts[1:], keep[1:]):
        if not len(kept):
            raise LocateServicesError(
                f"Every {noun} lies more than {options.max_snap_m:,g} m from the {network}: check that they and "
                "the road network cover the same area, or raise the maximum snap distance in Settings > Options > LIS."
            )
    inputs.existing = sites_subset(old, keep[0])
    inputs.candidates = sites_subset(new, keep[1])
    inputs.demand = demand_subset(people, keep[2])


def refuse_zero_weights(people: DemandPoints, options: LocateOptions) -> None:
    """Refuse demand whose weights are all 0: every choice of sites would score the same, so any answer is arbitrary."""
    if len(people.weight) and float(people.weight.sum()) > 0:
        return
    raise LocateServicesError(
        f"WEIGHT_FIELD: every demand point weighs 0 ({options.weight_field} sums to "
        f"{float(people.population.sum()):,.0f} over {plural('demand point', len(people.codes))}), so every choice of "
        "sites would serve nobody and the answer would be arbitrary. Choose the population field, or demand with "
        "people in it."
    )


def route(inputs: LocateInputs, options: LocateOptions, feedback: QgsFeedback | None = None) -> SiteCosts:
    """The demand x site costs (existing sites first), refused when no demand point can reach any candidate."""
    costs = site_costs(
        inputs.graph,
        np.vstack([inputs.existing.xy, inputs.candidates.xy]),
        inputs.demand.xy,
        options.search_limit,
        options.snap_warning_m,
        feedback,
        progress=(30.0, 75.0),
        main_only=options.snap_to_main,
    )
    mode = options.mode if inputs.graph is not None else None
    check_reach(costs, inputs.candidates, inputs.candidate_cols, inputs.candidates_label, mode)
    report_progress(feedback, 76)
    return costs


def choose_sites(
    inputs: LocateInputs, costs: SiteCosts, options: LocateOptions, feedback: QgsFeedback | None = None
) -> Solution:
    """The solver's answer: the new sites in choice order, with their gains."""
    objective = options.objective
    try:
        solution = solve(
            costs.matrix,
            inputs.demand.weight,
            inputs.candidate_cols,
            inputs.existing_cols,
            objective,
            None if objective == "lscp" else int(options.p),
            options.max_cost if objective != "pmedian" else None,
            exact_limit=EXACT_LIMIT if options.exact_limit is None else options.exact_limit,
            feedback=feedback,
        )
    except LocationError as error:
        raise LocateServicesError(str(error)) from None
    report_progress(feedback, 85)
    return solution


def no_new_sites(inputs: LocateInputs, costs: SiteCosts, options: LocateOptions) -> Solution:
    """The answer when there is nothing to gain: no new site; the value is what the sites open already achieve."""
    if options.objective == "lscp":
        return Solution("lscp", [], [], 0.0, NOT_SOLVED, 0.0, 0.0)
    max_cost = options.max_cost or 0.0
    covered = (costs.matrix[:, inputs.existing_cols] <= max_cost).any(axis=1)
    value = float(inputs.demand.weight[covered].sum()) if inputs.existing_cols else 0.0
    return Solution(options.objective, [], [], value, NOT_SOLVED, value, 0.0)


def compare_scenarios(
    inputs: LocateInputs,
    costs: SiteCosts,
    solution: Solution,
    options: LocateOptions,
    output: str,
    no_gain: NothingToGain | None = None,
) -> LocateOutcome:
    """Before (the sites already open) and after (with the new ones): who reaches which site, how far, who is covered.

    On the network each scenario's nearest sites come from one multi-source search, as lis:servicecatchments assigns.
    """
    people, new, old, max_cost = inputs.demand, inputs.candidates, inputs.existing, options.max_cost
    existing_cols = inputs.existing_cols
    chosen_cols = [inputs.candidate_cols[index] for index in solution.chosen]
    cost_before, nearest_before = costs.nearest(existing_cols)
    cost_after, nearest_after = costs.nearest(existing_cols + chosen_cols)
    before = scenario_summary("before", len(existing_cols), cost_before, people, max_cost)
    after = scenario_summary("after", len(existing_cols) + len(chosen_cols), cost_after, people, max_cost)
    chosen_names = [
        new.names[i] or (new.ids[i] if options.candidate_id_field else f"candidate {new.ids[i]}")
        for i in solution.chosen
    ]
    all_ids = old.ids + [new.ids[i] for i in solution.chosen]
    uncovered = []
    if max_cost is not None and options.objective != "pmedian":
        uncovered = [people.codes[i] for i in np.flatnonzero(~(cost_after <= max_cost))]
    return LocateOutcome(
        output_uri=output,
        assignment_uri=None,
        summary_uri=None,
        objective=options.objective,
        unit=costs.unit,
        max_cost=max_cost,
        solution=solution,
        chosen_ids=[new.ids[i] for i in solution.chosen],
        chosen_names=chosen_names,
        headline=(
            no_gain_headline(no_gain, max_cost or 0.0, costs.unit)
            if no_gain is not None
            else headline(options.objective, chosen_names, before, after, max_cost, costs.unit)
        )
        + not_placed_note(inputs, options),
        before=before,
        after=after,
        demand=people,
        cost_before=cost_before,
        cost_after=cost_after,
        site_before=[old.ids[i] if i >= 0 else None for i in nearest_before],
        site_after=[all_ids[i] if i >= 0 else None for i in nearest_after],
        new_site_after=[None if i < 0 else bool(i >= len(existing_cols)) for i in nearest_after],
        newly_within=newly_within(costs, chosen_cols, cost_before, people, max_cost),
        uncovered=uncovered,
        costs=costs,
        existing_ids=list(old.ids),
        not_placed=list(inputs.not_placed),
        people_served=[
            float(people.population[nearest_after == len(existing_cols) + order].sum())
            for order in range(len(chosen_cols))
        ],
        from_cache=inputs.from_cache,
        nothing_to_gain=no_gain,
    )


def not_placed_note(inputs: LocateInputs, options: LocateOptions) -> str:
    """The headline's last words when places were left out for lying too far from the network ('' when none)."""
    line = not_placed_headline(len(inputs.not_placed), options.max_snap_m, f"{options.mode} network")
    return "" if line is None else f" {line.text}"


def newly_within(
    costs: SiteCosts, chosen_cols: Sequence[int], cost_before: np.ndarray, people: DemandPoints, max_cost: float | None
) -> list[float | None]:
    """Per chosen site, in choice order: the people it brings within ``max_cost`` that the sites before it did not."""
    out: list[float | None] = []
    current = cost_before.copy()
    for column in chosen_cols:
        column_cost = costs.matrix[:, column]
        if max_cost is None:
            out.append(None)
        else:
            out.append(float(people.population[~(current <= max_cost) & (column_cost <= max_cost)].sum()))
        current = np.minimum(current, column_cost)
    return out


def locate_tables(
    outcome: LocateOutcome, candidates: Sites, destinations: tuple[str, str | None, str | None]
) -> list[tuple[str, FeatureTable]]:
    """The tables to write, each with its destination: the chosen sites, then the assignment and summary when asked."""
    output, assignment_output, summary_output = destinations
    outputs = [(output, chosen_sites_table(outcome, candidates))]
    if assignment_output:
        outputs.append((assignment_output, _assignment_table(outcome)))
    if summary_output:
        outputs.append((summary_output, _summary_table(outcome)))
    if outcome.not_placed:
        outputs.append((str(gpkg_destination(output)[0]), not_placed_table(outcome.not_placed)))
    return outputs


def chosen_sites_table(outcome: LocateOutcome, candidates: Sites) -> FeatureTable:
    """The chosen sites in choice order, with their gain, the people they bring within the standard and serve."""
    solution, unit = outcome.solution, outcome.unit
    gain_unit = gain_words(outcome.objective, unit)
    rows, wkb = [], []
    for order, (index, newly, gain, served) in enumerate(
        zip(solution.chosen, outcome.newly_within, solution.gains, outcome.people_served), start=1
    ):
        rows.append(
            {
                "choice": order,
                "site_id": candidates.ids[index],
                "site_name": candidates.names[index] or None,
                "gain": float(gain),
                "gain_unit": gain_unit,
                "people_newly_within": newly,
                "people_served": served,
                "max_cost": outcome.max_cost,
                "cost_unit": unit,
                "objective": outcome.objective,
                "method": solution.method,
            }
        )
        x, y = candidates.xy[index]
        wkb.append(bytes(QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y))).asWkb()))
    fields: list[tuple[str, type]] = [
        ("choice", int),
        ("site_id", str),
        ("site_name", str),
        ("gain", float),
        ("gain_unit", str),
        ("people_newly_within", float),
        ("people_served", float),
        ("max_cost", float),
        ("cost_unit", str),
        ("objective", str),
        ("method", str),
    ]
    return FeatureTable("chosen_sites", fields, rows, "Point", wkb)


def write_locate_outputs(outputs: list[tuple[str, FeatureTable]], crs_authid: str, outcome: LocateOutcome) -> None:
    """Write the tables (those sharing a file go in it together) and note their URIs in the outcome."""
    uris = write_outputs(outputs, crs_authid)
    outcome.output_uri = uris[0]
    for (_, table), uri in zip(outputs[1:], uris[1:]):
        if table.name == NOT_PLACED:
            continue
        if table.geometry_type is None:
            outcome.summary_uri = uri
        else:
            outcome.assignment_uri = uri


def locate_services(
    demand: QgsVectorLayer,
    candidates: QgsVectorLayer,
    output: str,
    *,
    weight_field: str,
    need_field: str | None = None,
    need_rule: str = "decile",
    areas: QgsVectorLayer | None = None,
    existing: QgsVectorLayer | None = None,
    candidate_id_field: str | None = None,
    candidate_name_field: str | None = None,
    candidate_filter: str | None = None,
    existing_id_field: str | None = None,
    existing_filter: str | None = None,
    network: Source | None = None,
    mode: str = "drive",
    cost: str = "time",
    speed_field: str | None = None,
    objective: str = "mclp",
    p: int = 1,
    max_cost: float | None = 10.0,
    assignment_output: str | None = None,
    summary_output: str | None = None,
    exact_limit: int | None = None,
    snap_warning_m: float = DEFAULT_SNAP_WARNING_M,
    cache_dir: Path | str | None = None,
    speeds_kph: Mapping[str, float] | None = None,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    snap_to_main: bool = True,
    feedback: QgsFeedback | None = None,
) -> LocateOutcome:
    """Choose ``p`` new sites among ``candidates`` (LSCP: as few as cover everyone) and write what they change.

    ``demand``: points or polygons with a population ``weight_field``; ``need_field`` (on the demand
    or on the ``areas`` containing it) multiplies the weight by :func:`need_multiplier`'s ``need_rule``.
    ``existing``: sites that stay open. ``network``: a line layer, GeoPackage path or ``.osm.pbf``;
    None measures straight-line distance (``cost="distance"`` only). ``objective``: ``"pmedian"``
    (least travel per resident, weighted by need), ``"mclp"`` (most people within ``max_cost``, weighted
    by need) or ``"lscp"`` (fewest new sites bringing everyone coverable within ``max_cost``; ``p`` ignored).
    ``max_cost``: minutes for time, metres for distance (p-median: only for the coverage columns).
    Writes the chosen sites to ``output`` (and the assignment and summary tables when given). When no
    new site could bring anyone within ``max_cost`` (MCLP, LSCP) that is the answer, not an error: no
    site is chosen, the tables are written (before = after) and ``nothing_to_gain`` says why.
    Raises LocateServicesError, InputLayerError, TableError or NetworkError with a message for the
    user, OutputError for an output that is an input, and CancelledError when cancelled; nothing is
    written then.

    The keyword arguments are the documented Python call; the stages below take the choices as
    one :class:`LocateOptions`: check, prepare, route, choose, compare, explain, write.
    """
    options = LocateOptions(
        weight_field=weight_field,
        need_field=need_field,
        need_rule=need_rule,
        candidate_id_field=candidate_id_field,
        candidate_name_field=candidate_name_field,
        candidate_filter=candidate_filter,
        existing_id_field=existing_id_field,
        existing_filter=existing_filter,
        mode=mode,
        cost=cost,
        speed_field=speed_field,
        objective=objective,
        p=p,
        max_cost=max_cost,
        exact_limit=exact_limit,
        snap_warning_m=snap_warning_m,
        cache_dir=cache_dir,
        speeds_kph=speeds_kph,
        max_snap_m=max_snap_m,
        snap_to_main=snap_to_main,
    )
    destinations = (output, assignment_output, summary_output)
    check_options(options, network)
    check_outputs_are_new(destinations, [demand, candidates, existing, areas], network)
    report_progress(feedback, 1)
    inputs = prepare_inputs(demand, candidates, existing, areas, network, options, feedback)
    costs = route(inputs, options, feedback)
    no_gain = nothing_to_gain(inputs, costs, options)
    if no_gain is None:
        solution = choose_sites(inputs, costs, options, feedback)
    else:
        solution = no_new_sites(inputs, costs, options)
    outcome = compare_scenarios(inputs, costs, solution, options, output, no_gain)
    explain(outcome, inputs, options)
    check_cancel(feedback)
    outputs = locate_tables(outcome, inputs.candidates, destinations)
    check_cancel(feedback)
    write_locate_outputs(outputs, inputs.crs_authid, outcome)
    report_progress(feedback, 100)
    return outcome


def check_reach(costs: SiteCosts, new: Sites, candidate_cols: list[int], label: str, mode: str | None) -> None:
    """Refuse candidates no demand can reach: their costs say nothing (a data problem, not an answer)."""
    nearest, _ = costs.nearest(candidate_cols)
    if np.isfinite(nearest).any():
        return
    far = ""
    if costs.far is not None and costs.snap_m is not None:
        snaps = costs.snap_m[candidate_cols]
        far = f" The candidates lie {snaps.min():,.0f} to {snaps.max():,.0f} m from the nearest road."
    raise LocateServicesError(
        f"None of the {plural('candidate site', len(new.ids))} in {label!r} can be reached from any demand point "
        f"on the {mode} network: they are on roads cut off from the demand (one-way or unconnected roads, or "
        f"outside the network's area).{far} Check the candidates' locations, the network and the travel mode."
    )


def nothing_to_gain(inputs: LocateInputs, costs: SiteCosts, options: LocateOptions) -> NothingToGain | None:
    """Why no new site could bring anyone within the standard (MCLP, LSCP), or None when one could.

    Three answers: everyone is already within the standard of a site open; no candidate is within the
    standard of any demand point; the people still beyond it have no candidate within it either.
    """
    max_cost = options.max_cost
    if options.objective == "pmedian" or max_cost is None:
        return None
    people, unit, matrix = inputs.demand, costs.unit, costs.matrix
    existing_cols, candidate_cols = inputs.existing_cols, inputs.candidate_cols
    covered = (matrix[:, existing_cols] <= max_cost).any(axis=1) if existing_cols else np.zeros(len(matrix), bool)
    coverable = (matrix[:, candidate_cols] <= max_cost).any(axis=1)
    if covered.all():
        return NothingToGain(f"all {people.population.sum():,.0f} residents already are", "")
    if not coverable.any():
        nearest, _ = costs.nearest(candidate_cols)
        return NothingToGain(
            f"no candidate site in {inputs.candidates_label!r} is within {amount(max_cost, unit)} of any demand point "
            f"(the closest pair is {amount(float(np.min(nearest)), unit)} apart)",
            "Raise MAX_COST, the coverage standard, or add candidate sites nearer to the people.",
            anyone_new=bool(covered.any()),
        )
    if (coverable & ~covered).any():
        return None
    left = np.flatnonzero(~covered)
    return NothingToGain(
        f"the existing sites already bring everyone a candidate could reach within it; the "
        f"{plural('demand point', len(left))} still beyond it ({people.population[left].sum():,.0f} people: "
        f"{list_labels([people.codes[i] for i in left])}) {'has' if len(left) == 1 else 'have'} no candidate "
        "within it either",
        "To reach them, raise MAX_COST, add candidates nearer to them, or choose the p-median objective "
        "(shorter journeys).",
    )


def no_gain_headline(no_gain: NothingToGain, max_cost: float, unit: str) -> str:
    """'No new site would bring anyone new within 10 minutes: all 37,369 residents already are.'"""
    anyone = "anyone new" if no_gain.anyone_new else "anyone"
    return f"No new site would bring {anyone} within {amount(max_cost, unit)}: {no_gain.reason}."


def explain(outcome: LocateOutcome, inputs: LocateInputs, options: LocateOptions) -> None:
    """The log: the headline first, then how it was worked out, each site, before and after, and warnings."""
    log, solution, unit, max_cost = outcome.log, outcome.solution, outcome.unit, outcome.max_cost
    log.insert(0, LogLine(outcome.headline))
    if outcome.nothing_to_gain is not None:
        if outcome.nothing_to_gain.advice:
            log.append(LogLine(outcome.nothing_to_gain.advice))
        log.append(LogLine(f"Objective: {OBJECTIVE_LABELS[outcome.objective]}; no new site chosen, none needed."))
    else:
        if outcome.objective == "lscp":
            log.append(
                LogLine(
                    f"{plural('new site', len(solution.chosen))} {'is' if len(solution.chosen) == 1 else 'are'} the "
                    f"fewest that bring everyone who can be covered within {amount(max_cost or 0, unit)} (LSCP)."
                )
            )
        quality = solution.method
        if solution.gap is not None and solution.gap > 0:
            quality += f"; within {100 * solution.gap:.2f}% of the bound {solution.bound:,.6g}"
        log.append(LogLine(f"Objective: {OBJECTIVE_LABELS[outcome.objective]}; solved by {quality}."))
    log.append(LogLine(inputs.network_line))
    log.append(LogLine(demand_line(inputs, options)))
    if outcome.demand.decile is not None and outcome.after.deprived == 0:
        log.append(LogLine("No demand point is in national deciles 1-2 (England's most deprived fifth)."))
    log.extend(site_lines(outcome, inputs.candidates))
    log.extend(idle_sites_lines(outcome, inputs.candidates))
    log.append(LogLine(f"Before: {scenario_text(outcome.before, unit, max_cost)}."))
    log.append(LogLine(f"After: {scenario_text(outcome.after, unit, max_cost)}."))
    log.extend(warning_lines(outcome, inputs, options))


def gain_words(objective: str, unit: str) -> str:
    """What a chosen site's gain counts, in plain words (the ``gain_unit`` of the chosen sites)."""
    if objective == "pmedian":
        return f"{unit_words(unit).split()[0]} of travel saved, all residents together, weighted by need"
    return "residents newly within the standard, weighted by need"


def site_lines(outcome: LocateOutcome, new: Sites) -> list[LogLine]:
    """One line per chosen site, in choice order: who it brings within the standard and what it gains."""
    unit, max_cost, lines = outcome.unit, outcome.max_cost, []
    chosen = zip(outcome.solution.chosen, outcome.solution.gains, outcome.newly_within)
    for order, (index, gain, newly) in enumerate(chosen, start=1):
        if outcome.objective == "pmedian":
            what = f"saves {gain:,.0f} {gain_words('pmedian', unit).replace(' saved', '')}"
        else:
            what = f"{gain:,.0f} when weighted by need"
        within = f"{newly:,.0f} more residents within {amount(max_cost or 0, unit)}; " if newly is not None else ""
        lines.append(LogLine(f"{order}. {new.label(index)}: {within}{what}."))
    return lines


def demand_line(inputs: LocateInputs, options: LocateOptions) -> str:
    """How many demand points and people, how their need weighs, how many sites there are."""
    people = inputs.demand
    if options.need_field:
        rule = (
            "national deciles 1-2 count x2, 3-4 x1.5, 5-10 x1"
            if options.need_rule == "decile"
            else "each score divided by the mean score"
        )
        need = f"; need from {options.need_field} ({rule})"
    else:
        need = "; no need weighting"
    return (
        f"Demand: {plural('point', len(people.codes))}, population {people.population.sum():,.0f}{need}. "
        f"Existing sites: {len(inputs.existing.ids)}. Candidate sites: {len(inputs.candidates.ids)} in "
        f"{inputs.candidates_label!r}."
    )


def idle_sites_lines(outcome: LocateOutcome, new: Sites) -> list[LogLine]:
    """MCLP: the warning naming new sites that bring nobody more within the standard."""
    idle = [new.label(index) for index, newly in zip(outcome.solution.chosen, outcome.newly_within) if newly == 0]
    if not idle or outcome.objective != "mclp":
        return []
    return [
        LogLine(
            f"{plural('new site', len(idle))} {'brings' if len(idle) == 1 else 'bring'} nobody more within "
            f"{amount(outcome.max_cost or 0, outcome.unit)}: {list_labels(idle)}. Fewer sites already cover everyone "
            "a candidate could: the LSCP objective finds how few.",
            True,
        )
    ]


def warning_lines(outcome: LocateOutcome, inputs: LocateInputs, options: LocateOptions) -> list[LogLine]:
    """Sites and demand far from the network, demand that reaches no site, demand still beyond the standard."""
    lines: list[LogLine] = list(inputs.placement_log)
    people, costs, unit, max_cost = outcome.demand, outcome.costs, outcome.unit, outcome.max_cost
    if costs.far is not None and costs.snap_m is not None:
        sites = inputs.existing.ids + inputs.candidates.ids
        count, limit, network = len(sites), options.snap_warning_m, f"{options.mode} network"
        lines += far_from_network("site", sites, costs.snap_m[:count], costs.far[:count], limit, network)
        lines += far_from_network("demand point", people.codes, costs.snap_m[count:], costs.far[count:], limit, network)
    unreached = [people.codes[i] for i in np.flatnonzero(~np.isfinite(outcome.cost_after))]
    if unreached:
        lines.append(
            LogLine(
                f"{plural('demand point', len(unreached))} cannot reach any open site: {list_labels(unreached)}.", True
            )
        )
    if outcome.uncovered:
        people_left = float(people.population[~(outcome.cost_after <= (max_cost or 0))].sum())
        lines.append(
            LogLine(
                f"{plural('demand point', len(outcome.uncovered))} ({people_left:,.0f} people) are still beyond "
                f"{amount(max_cost or 0, unit)} of every open site: {list_labels(outcome.uncovered)}.",
                True,
            )
        )
    return lines


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _assignment_table(outcome: LocateOutcome) -> FeatureTable:
    people, max_cost = outcome.demand, outcome.max_cost
    rows = []
    for i in range(len(people.codes)):
        before, after = outcome.cost_before[i], outcome.cost_after[i]
        site = outcome.site_after[i]
        rows.append(
            {
                "demand_fid": people.fids[i],
                "code": people.codes[i],
                "population": float(people.population[i]),
                "need": people.need[i] if people.need is not None else None,
                "weight": float(people.weight[i]),
                "site_before": outcome.site_before[i],
                "cost_before": _finite(before),
                "site_after": site,
                "new_site": None if outcome.new_site_after[i] is None else int(bool(outcome.new_site_after[i])),
                "cost_after": _finite(after),
                "cost_unit": outcome.unit,
                "covered_before": None if max_cost is None else int(before <= max_cost),
                "covered_after": None if max_cost is None else int(after <= max_cost),
            }
        )
    fields: list[tuple[str, type]] = [
        ("demand_fid", int),
        ("code", str),
        ("population", float),
        ("need", float),
        ("weight", float),
        ("site_before", str),
        ("cost_before", float),
        ("site_after", str),
        ("new_site", int),
        ("cost_after", float),
        ("cost_unit", str),
        ("covered_before", int),
        ("covered_after", int),
    ]
    return FeatureTable("assignment", fields, rows, people.geometry_type, people.wkb)


SUMMARY_FIELDS: list[tuple[str, type]] = [
    ("scenario", str),
    ("open_sites", int),
    ("population", float),
    ("mean_cost", float),
    ("p90_cost", float),
    ("cost_unit", str),
    ("unreachable_population", float),
    ("max_cost", float),
    ("population_within", float),
    ("pct_within", float),
    ("deprived_population", float),
    ("deprived_within", float),
    ("weighted_within", float),
]


def _summary_row(summary: ScenarioSummary, unit: str, max_cost: float | None) -> dict[str, Any]:
    pct = None
    if summary.within is not None and summary.population > 0:
        pct = 100 * summary.within / summary.population
    return {
        "scenario": summary.scenario,
        "open_sites": summary.open_sites,
        "population": summary.population,
        "mean_cost": summary.mean_cost,
        "p90_cost": summary.p90_cost,
        "cost_unit": unit,
        "unreachable_population": summary.unreachable,
        "max_cost": max_cost,
        "population_within": summary.within,
        "pct_within": pct,
        "deprived_population": summary.deprived,
        "deprived_within": summary.deprived_within,
        "weighted_within": summary.weight_within,
    }


def _summary_table(outcome: LocateOutcome) -> FeatureTable:
    """Rows before, after and the change (after minus before; empty where either is)."""
    before = _summary_row(outcome.before, outcome.unit, outcome.max_cost)
    after = _summary_row(outcome.after, outcome.unit, outcome.max_cost)
    change: dict[str, Any] = {"scenario": "change", "cost_unit": outcome.unit, "max_cost": outcome.max_cost}
    for name, kind in SUMMARY_FIELDS:
        if kind is str or name in change:
            continue
        a, b = after[name], before[name]
        change[name] = None if a is None or b is None else a - b
    return FeatureTable("summary", SUMMARY_FIELDS, [before, after, change])
