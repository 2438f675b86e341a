"""Accessibility scores (2SFCA / E2SFCA) on a road network: read, route, score, write, explain.

The one function the ``lis:accessibility2sfca`` algorithm calls (Python code can call it too):

1. read the facilities (points, with a capacity) and the demand areas (points, or polygons
   through their point on surface, with a population) with the tools' one reader
   (:mod:`.point_inputs`); NULLs, negative numbers and features without geometry are refused;
2. build the road graph (or read it from the cache, :mod:`.graph_cache`), place every facility
   and area on its nearest road (:meth:`.RoadGraph.snap`);
3. search the network **backwards** from every facility (``reverse=True`` in
   :mod:`.network_search`), up to the largest band: the cost of travelling *from each area
   to the facility*, as people travel to a GP; on one-way streets it differs from the cost of
   leaving the facility. The short leg from a point to its nearest road is not counted;
4. score with :func:`.accessibility.two_step_fca` and write the demand features with
   ``access_score`` (capacity per person), ``access_per_1000`` and ``facilities_reached``.

Bands are minutes for ``cost="time"`` and metres for ``cost="distance"``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from qgis.core import QgsFeature, QgsFeedback, QgsVectorLayer

from ..common.errors import LogLine
from ..common.wording import list_labels, plural
from ..io.layer_output import NewField, check_output_is_new, gpkg_destination, write_layer_with_fields
from ..network.graph_cache import graph_line, load_or_build
from ..network.network_search import iter_costs
from ..network.road_network import DEFAULT_MAX_SNAP_M, DEFAULT_SNAP_WARNING_M, RoadGraph, Snapped, Source, TravelMode
from .accessibility import AccessibilityError, AccessibilityResult, Band, two_step_fca
from .point_inputs import (
    LayerPoints,
    far_from_network,
    not_placed_headline,
    numeric_field,
    placement_lines,
    read_points,
    refuse_empty,
    refuse_negative_values,
    refuse_null_values,
    refuse_unplaced,
)

#: The fields added to every demand feature.
SCORE_FIELD = "access_score"
PER_1000_FIELD = "access_per_1000"
REACHED_FIELD = "facilities_reached"


class Accessibility2sfcaError(AccessibilityError):
    """Inputs that cannot give a score; the message names the layer or parameter and what to fix."""


@dataclass
class Accessibility2sfcaOutcome:
    """Where the scores were written, the numbers behind them and the log that explains them."""

    uri: str
    path: Path
    layer_name: str
    result: AccessibilityResult
    costs: np.ndarray  # areas x facilities, graph units (s or m), inf beyond the largest band
    reached: np.ndarray  # per area: facilities within the largest band
    graph: RoadGraph
    from_cache: bool
    log: list[LogLine] = field(default_factory=list)
    #: facilities then areas: whether each was placed on the network (False: too far, left out; its score is NULL)
    placed: np.ndarray | None = None

    @property
    def facilities_unreached(self) -> int:
        """Facilities nobody reaches within the largest band."""
        return int(np.isnan(self.result.ratios).sum())

    @property
    def areas_without_access(self) -> int:
        """Areas that reach no facility."""
        return int((self.reached == 0).sum())


def parse_bands(bands: str, weights: str = "", unit: str = "min") -> list[Band]:
    """``"5,10,15"`` and ``"1,0.6,0.2"`` -> three Bands; no weights: every band weighs 1 (plain 2SFCA)."""

    def numbers(text: str, what: str) -> list[float]:
        parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
        try:
            values = [float(part) for part in parts]
        except ValueError as error:
            raise Accessibility2sfcaError(
                f"{what}: '{text}' is not a list of numbers; write them separated by commas, such as 5,10,15."
            ) from error
        if any(not math.isfinite(value) for value in values):
            raise Accessibility2sfcaError(f"{what}: '{text}' holds a value that is not a finite number.")
        return values

    uppers = numbers(bands, "BANDS")
    if not uppers:
        raise Accessibility2sfcaError(f"BANDS: give at least one travel limit in {unit}, such as 10 (plain 2SFCA).")
    if any(upper <= 0 for upper in uppers):
        raise Accessibility2sfcaError(f"BANDS: travel limits must be positive ({unit}): '{bands}'.")
    decay = numbers(weights, "WEIGHTS") if weights and weights.strip() else [1.0] * len(uppers)
    if len(decay) != len(uppers):
        raise Accessibility2sfcaError(
            f"WEIGHTS: {len(decay)} weights for {len(uppers)} bands ({bands}); give one weight per band, "
            "such as 1,0.6,0.2 for 5,10,15, or leave WEIGHTS empty for plain 2SFCA."
        )
    return [Band(upper, weight) for upper, weight in zip(uppers, decay)]


def _label_field(layer: QgsVectorLayer) -> str | None:
    """A field that names the features for the log: a name, else a code; None when there is neither."""
    names = layer.fields().names()
    for test in (
        lambda n: n.lower() == "name" or n.lower().endswith(("nm", "_name")),
        lambda n: n.lower() in ("code", "ods_code") or n.lower().endswith(("cd", "_code")),
    ):
        found = next((name for name in names if test(name)), None)
        if found:
            return found
    return None


def read_places(
    layer: QgsVectorLayer,
    layer_parameter: str,
    value_field: str,
    value_parameter: str,
    noun: str,
    zero_means: str,
    crs_authid: str,
    feedback: QgsFeedback | None = None,
) -> LayerPoints:
    """Each feature's point (polygons: point on surface) in ``crs_authid`` and its number (``values``).

    Labelled by a name or code field for the log. Features without geometry and NULL or negative
    numbers are refused, naming the features (``noun``: what one feature is, ``zero_means``: when 0 is right).
    """
    field = numeric_field(layer, value_field, value_parameter)
    refuse_empty(layer, layer_parameter)
    places = read_points(layer, crs_authid, label_field=_label_field(layer), number_field=field, feedback=feedback)
    refuse_unplaced(places, layer_parameter)
    refuse_null_values(places, value_parameter, value_field, noun, zero_means)
    refuse_negative_values(places, value_parameter, value_field, noun)
    return places


def _number(value: float) -> str:
    """12 -> '12', 10321400.0 -> '10,321,400', 2.5 -> '2.5'."""
    return f"{value:,.0f}" if value >= 1000 or float(value).is_integer() else f"{value:,.3g}"


def costs_to_facilities(
    graph: RoadGraph, facility_xy: np.ndarray, area_xy: np.ndarray, limit: float
) -> tuple[np.ndarray, np.ndarray]:
    """(areas x facilities costs of travelling area -> facility, ``inf`` beyond ``limit``; snap distances).

    Every point goes to its nearest place on a road; one bounded search per facility on the reversed
    graph gives the cost from every node to it. The snap distances come back in the order facilities,
    then areas.
    """
    costs, snapped = snapped_costs(graph, facility_xy, area_xy, limit)
    return costs, snapped.distance_m


def snapped_costs(
    graph: RoadGraph,
    facility_xy: np.ndarray,
    area_xy: np.ndarray,
    limit: float,
    main_only: bool = False,
    max_snap_m: float = math.inf,
) -> tuple[np.ndarray, Snapped]:
    """(areas x facilities costs of travelling area -> facility, ``inf`` beyond ``limit``; the snapping).

    Every point goes to its nearest place on a road (``main_only``: of the main network); one bounded
    search per facility on the reversed graph gives the cost from every node to it. The snapping
    lists facilities, then areas; those beyond ``max_snap_m`` reach nothing and are reached by nobody.
    """
    snapped = graph.snap(np.vstack([facility_xy, area_xy]), main_only=main_only, max_distance_m=max_snap_m)
    count = len(facility_xy)
    facility_nodes, area_nodes = snapped.nodes[:count], snapped.nodes[count:]
    costs = np.full((len(area_xy), count), np.inf)
    # scipy stops *before* costs equal to the limit in some versions: search a hair further, then cut.
    for position, row in iter_costs(snapped.graph, facility_nodes, limit * (1 + 1e-9) + 1e-9, reverse=True):
        costs[:, position] = row[area_nodes]
    costs[costs > limit] = np.inf
    costs[:, ~snapped.placed[:count]] = np.inf
    costs[~snapped.placed[count:], :] = np.inf
    return costs, snapped


def accessibility_2sfca(
    facilities: QgsVectorLayer,
    capacity_field: str,
    demand: QgsVectorLayer,
    population_field: str,
    network: Source,
    output: str,
    bands: Sequence[Band],
    mode: TravelMode | None = None,
    cache_dir: Path | str | None = None,
    feedback: QgsFeedback | None = None,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    snap_to_main: bool = True,
) -> Accessibility2sfcaOutcome:
    """Score every demand area for access to the facilities' capacity and write them to ``output``.

    ``bands``: upper limits in minutes (``mode.cost == "time"``) or metres (``"distance"``) with their
    weights; one band of weight 1 is plain 2SFCA. Raises :class:`Accessibility2sfcaError` or
    :class:`~.road_network.NetworkError` with a message for the user.
    """
    mode = mode or TravelMode()
    path, layer_name = gpkg_destination(output)
    network_path = None if isinstance(network, QgsVectorLayer) else Path(str(network).split("|")[0])
    check_output_is_new(path, [facilities, demand, network if isinstance(network, QgsVectorLayer) else network_path])
    if not bands:
        raise Accessibility2sfcaError("BANDS: give at least one travel limit, such as 10 (plain 2SFCA).")
    factor = 60.0 if mode.cost == "time" else 1.0
    unit = "min" if mode.cost == "time" else "m"
    graph_bands = [Band(band.upper * factor, band.weight) for band in bands]
    limit = max(band.upper for band in graph_bands)

    graph, from_cache = load_or_build(network, mode, cache_dir=cache_dir, feedback=feedback)
    crs_authid = graph.crs_authid
    supply = read_places(
        facilities,
        "FACILITIES",
        capacity_field,
        "CAPACITY_FIELD",
        "facility",
        "it is really none",
        crs_authid,
        feedback,
    )
    people = read_places(
        demand, "DEMAND", population_field, "POPULATION_FIELD", "area", "nobody lives there", crs_authid, feedback
    )
    refuse_nobody(people, population_field)
    costs, snapped = snapped_costs(graph, supply.xy, people.xy, limit, snap_to_main, max_snap_m)
    result = two_step_fca(costs, people.values, supply.values, graph_bands)
    reached = np.isfinite(costs).sum(axis=1)
    area_placed = snapped.placed[len(supply.fids) :]
    for noun, placed in (("facility", snapped.placed[: len(supply.fids)]), ("area", area_placed)):
        if not placed.any():
            raise Accessibility2sfcaError(
                f"Every {noun} lies more than {max_snap_m:,g} m from the {graph.mode.kind} network: check that the "
                "layers and the road network cover the same area, or raise the maximum snap distance in "
                "Settings > Options > LIS."
            )

    by_id = {fid: i for i, fid in enumerate(people.fids)}

    def values(feature: QgsFeature) -> list[object]:
        i = by_id.get(feature.id())
        if i is None or not area_placed[i]:  # not read, or too far from the network: left out
            return [None, None, None]
        score = float(result.accessibility[i])
        return [score, score * 1000.0, int(reached[i])]

    new_fields = [
        NewField(SCORE_FIELD, "real", "Accessibility score (capacity per person)"),
        NewField(PER_1000_FIELD, "real", "Accessibility score (capacity per 1,000 people)"),
        NewField(REACHED_FIELD, "integer", "Facilities within reach"),
    ]
    uri = write_layer_with_fields(demand, path, layer_name, new_fields, values, feedback)
    outcome = Accessibility2sfcaOutcome(uri, path, layer_name, result, costs, reached, graph, from_cache)
    outcome.placed = snapped.placed
    outcome.log = _log(outcome, supply, people, bands, unit, snapped.distance_m)
    network_name = f"{graph.mode.kind} network"
    count = len(supply.fids)
    placing = placement_lines("facility", supply.labels, snapped, slice(0, count), max_snap_m, network_name)
    placing += placement_lines("area", people.labels, snapped, slice(count, None), max_snap_m, network_name)
    left_out = not_placed_headline(int((~snapped.placed).sum()), max_snap_m, network_name)
    outcome.log[1:1] = ([left_out] if left_out else []) + placing
    return outcome


def refuse_nobody(people: LayerPoints, population_field: str) -> None:
    """Refuse areas whose populations are all 0: every score would be 0 (or undefined), a meaningless map."""
    if float(people.values.sum()) > 0:
        return
    raise Accessibility2sfcaError(
        f"POPULATION_FIELD: the {plural('area', len(people.fids))} of {people.layer_name} have a total "
        f"{population_field} of 0, so there is nobody to share the capacity among and every score would be 0. "
        "Choose the population field (such as usual residents), or areas where people live."
    )


def _log(
    outcome: Accessibility2sfcaOutcome,
    supply: LayerPoints,
    people: LayerPoints,
    bands: Sequence[Band],
    unit: str,
    snap_m: np.ndarray,
) -> list[LogLine]:
    graph = outcome.graph
    result = outcome.result
    log = [LogLine(graph_line(graph, outcome.from_cache))]
    if len(bands) == 1 and bands[0].weight == 1:
        method = f"plain 2SFCA: every facility within {bands[0].upper:g} {unit} counts in full"
    else:
        parts = ", ".join(f"up to {band.upper:g} {unit} x {band.weight:g}" for band in bands)
        method = f"enhanced 2SFCA (E2SFCA), weights by band: {parts}"
    log.append(
        LogLine(
            f"Method: {method}. Travel is measured from each area to the facility (one-way streets followed "
            f"in that direction), from the nearest road to each point."
        )
    )
    total_capacity = float(supply.values.sum())
    total_people = float(people.values.sum())
    log.append(
        LogLine(
            f"{plural('facility', len(supply.fids))} with a total capacity of {_number(total_capacity)}; "
            f"{plural('area', len(people.fids))} with {total_people:,.0f} people."
        )
    )
    network = f"{graph.mode.kind} network"
    count = len(supply.fids)
    on_network = outcome.placed if outcome.placed is not None else np.ones(len(snap_m), dtype=bool)
    for noun, places, distance, kept in (
        ("facility", supply, snap_m[:count], on_network[:count]),
        ("area", people, snap_m[count:], on_network[count:]),
    ):
        far = (distance > DEFAULT_SNAP_WARNING_M) & kept  # those left out are listed as such
        log.extend(far_from_network(noun, places.labels, distance, far, DEFAULT_SNAP_WARNING_M, network))
    placed = on_network[count:]
    score = result.accessibility * 1000.0
    ranked = np.flatnonzero(placed)  # areas too far from the network have no score: they are not the lowest
    low, high = int(ranked[np.argmin(score[ranked])]), int(ranked[np.argmax(score[ranked])])
    log.append(
        LogLine(
            f"Lowest access: {people.label(low)}, {score[low]:,.4g} capacity per 1,000 people "
            f"({plural('facility', int(outcome.reached[low]))} within reach)."
        )
    )
    log.append(
        LogLine(
            f"Highest access: {people.label(high)}, {score[high]:,.4g} capacity per 1,000 people "
            f"({plural('facility', int(outcome.reached[high]))} within reach)."
        )
    )
    cut_off = np.flatnonzero((outcome.reached == 0) & placed)
    if len(cut_off):
        log.append(
            LogLine(
                f"{plural('area', len(cut_off))} ({people.values[cut_off].sum():,.0f} people) "
                f"{'reaches' if len(cut_off) == 1 else 'reach'} no facility "
                f"within {bands[-1].upper:g} {unit} and score 0: {list_labels([people.label(i) for i in cut_off])}.",
                warning=True,
            )
        )
    unreached = np.flatnonzero(np.isnan(result.ratios))
    if len(unreached):
        log.append(
            LogLine(
                f"{plural('facility', len(unreached))} that no area reaches within {bands[-1].upper:g} {unit} "
                f"(their capacity counts for nobody): {list_labels([supply.label(j) for j in unreached])}.",
                warning=True,
            )
        )
    else:
        log.append(LogLine("Every facility is reached from at least one area."))
    shared = float(supply.values[np.isfinite(result.ratios)].sum())
    if total_people > 0:
        log.append(
            LogLine(
                f"On average {1000.0 * float(people.values @ result.accessibility) / total_people:,.4g} capacity per "
                f"1,000 people; {_number(shared)} of the {_number(total_capacity)} capacity is within reach of someone."
            )
        )
    return log
