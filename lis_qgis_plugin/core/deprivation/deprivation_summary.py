"""MHCLG's summary measures of deprivation for any larger area: wards, districts, catchments, drawn polygons.

MHCLG summarises the LSOA ranks of the English Indices of Deprivation for local authority
districts with a set of measures (The English Indices of Deprivation 2019: Technical report,
Appendix N "Summary measures for higher-level geographies", and Research report, section 3.8 on
area summaries; the same measures are published for IoD2025). They work for any area built
from whole LSOAs, so this module computes them for any target:

- average score: the population-weighted mean of the LSOA scores;
- average rank: the population-weighted mean of the LSOA ranks. MHCLG computes it with ranks
  reversed (most deprived = N) and then ranks the districts; a weighted mean is linear, so this
  is N + 1 minus the mean kept here, where rank 1 is the most deprived (lower = more deprived);
- proportion of LSOAs in the most deprived 10% nationally: LSOAs in national decile 1 divided by
  all the area's LSOAs (a count, not weighted by population);
- extent: the population-weighted share of residents living in the most deprived 30% of LSOAs
  nationally. Residents of the most deprived 10% count in full; those in national percentiles 11
  to 30 get a sliding weight, 0.95 at percentile 11 falling by (0.95 - 0.05) / 19 per percentile
  to 0.05 at percentile 30; nobody else counts (Technical report, Appendix N; implemented the
  same way by the R package IMD, humaniverse/IMD, calculate_extent.R);
- local concentration: the population-weighted mean rank of the area's most deprived LSOAs that
  together hold exactly 10% of the area's population. LSOAs are taken from the most deprived; the
  LSOA that crosses the 10% line counts only with the part of its population needed to reach
  exactly 10% (the "exactly 10 per cent" of the published definition);
- counts of LSOAs in each national decile.

Percentiles and deciles are always national, from an LSOA's rank r among all N LSOAs of the
edition (32,844 for IoD2019, 33,755 for IoD2025): percentile ceil(100 r / N), decile
ceil(10 r / N), as MHCLG's files do (core.deprivation.deprivation.national_quantile). They are never
recomputed among the areas on the map.

The first part of this module is plain Python; ``deprivation_summary()`` at the end reads the
layers, places the LSOAs in the targets (core.aggregation.aggregate_indicators.place_small_areas, the same
placement as lis:aggregateindicators) and writes the GeoPackage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import QgsCoordinateTransformContext, QgsFeature, QgsFeedback, QgsVectorLayer

from ..aggregation.aggregate_indicators import place_small_areas
from ..common.errors import LisError, LogLine
from ..common.values import non_null_items, null_as_none
from ..common.wording import format_number, list_labels, plural, plural_word
from ..io.layer_codes import field_values, layer_label
from ..io.layer_output import (
    NewField,
    check_output_is_new,
    gpkg_destination,
    layer_file,
    safe_field_names,
    write_layer_with_fields,
)
from ..io.layer_values import numeric_field_kind, read_numbers
from .deprivation import duplicated_codes, national_edition, national_quantile, stored_national_n

#: Residents of LSOAs in national percentiles 1..10 count in full in the extent.
EXTENT_FULL_PERCENTILE = 10
#: The last national percentile with a weight in the extent.
EXTENT_LAST_PERCENTILE = 30
#: Share of the area's population whose LSOAs make up the local concentration.
LOCAL_CONCENTRATION_SHARE = 0.10


class DeprivationInputError(LisError, ValueError):
    """Ranks, populations or N that cannot give the measures; the message says what to fix."""


@dataclass(frozen=True)
class RankedArea:
    """One LSOA: its code, national rank (1 = most deprived), population and, when known, score."""

    code: str
    rank: int
    population: float
    score: float | None = None


@dataclass(frozen=True)
class DeprivationSummary:
    """The summary measures of one target area; None where they cannot be computed (no people, no score)."""

    n_areas: int
    population: float
    average_score: float | None
    average_rank: float | None
    #: Proportion (0..1) of the LSOAs in national decile 1.
    proportion_most_deprived_10: float | None
    #: Share (0..1) of the residents living in national decile 1 (for the plain-words log).
    population_most_deprived_10: float | None
    extent: float | None
    local_concentration: float | None
    #: LSOAs in national deciles 1..10.
    decile_counts: tuple[int, ...]


def national_percentile(rank: int, national_n: int) -> int:
    """The national percentile (1..100, 1 = most deprived) of a rank: ceil(100 r / N)."""
    return national_quantile(rank, national_n, groups=100)


def extent_weight(percentile: int) -> float:
    """The weight of a national percentile in the extent (Technical report, Appendix N).

    1 for percentiles 1..10; 0.95 - (0.9 / 19) (p - 11) for p in 11..30, so 0.95 at 11 and 0.05 at
    30; 0 beyond the most deprived 30%.
    """
    if percentile <= EXTENT_FULL_PERCENTILE:
        return 1.0
    if percentile <= EXTENT_LAST_PERCENTILE:
        step = (0.95 - 0.05) / (EXTENT_LAST_PERCENTILE - EXTENT_FULL_PERCENTILE - 1)
        return 0.95 - step * (percentile - EXTENT_FULL_PERCENTILE - 1)
    return 0.0


def weighted_mean(values: Iterable[float], weights: Iterable[float]) -> float | None:
    """sum(w x) / sum(w); None when the weights add up to 0."""
    pairs = list(zip(values, weights))
    total = sum(weight for _, weight in pairs)
    return sum(value * weight for value, weight in pairs) / total if total > 0 else None


def extent(areas: Sequence[RankedArea], national_n: int) -> float | None:
    """Population-weighted share of residents in the most deprived 30% nationally, with the sliding weight."""
    weights = [extent_weight(national_percentile(area.rank, national_n)) for area in areas]
    return weighted_mean(weights, [area.population for area in areas])


def local_concentration(areas: Sequence[RankedArea], share: float = LOCAL_CONCENTRATION_SHARE) -> float | None:
    """Population-weighted mean rank of the most deprived LSOAs holding exactly ``share`` of the population.

    LSOAs are taken from the most deprived (lowest rank); each counts with its population until
    the running total reaches share x total population; the LSOA crossing that line counts only
    with the population still needed. None when the areas have no population.
    """
    needed = share * sum(area.population for area in areas)
    if needed <= 0:
        return None
    ranks: list[float] = []
    weights: list[float] = []
    for area in sorted(areas, key=lambda each: each.rank):
        taken = min(area.population, needed - sum(weights))
        if taken <= 0:
            break
        ranks.append(area.rank)
        weights.append(taken)
    return weighted_mean(ranks, weights)


def summarise(areas: Sequence[RankedArea], national_n: int) -> DeprivationSummary:
    """Every summary measure of one target from its LSOAs (ranks national among ``national_n``)."""
    deciles = [national_quantile(area.rank, national_n) for area in areas]
    populations = [area.population for area in areas]
    population = sum(populations)
    scored = [(area.score, area.population) for area in areas if area.score is not None]
    in_first = [pop for decile, pop in zip(deciles, populations) if decile == 1]
    return DeprivationSummary(
        n_areas=len(areas),
        population=population,
        average_score=weighted_mean([score for score, _ in scored], [pop for _, pop in scored]) if scored else None,
        average_rank=weighted_mean([area.rank for area in areas], populations),
        proportion_most_deprived_10=len(in_first) / len(areas) if areas else None,
        population_most_deprived_10=sum(in_first) / population if population > 0 else None,
        extent=extent(areas, national_n),
        local_concentration=local_concentration(areas),
        decile_counts=tuple(deciles.count(decile) for decile in range(1, 11)),
    )


def check_populations(populations: Mapping[str, float | int | None], parameter: str = "POPULATION_FIELD") -> None:
    """DeprivationInputError when every population is NULL or one is negative."""
    present = non_null_items(populations)
    if not present:
        raise DeprivationInputError(
            f"{parameter}: every population is NULL, so nothing can be weighted. Choose the field of residents "
            "per LSOA (for example pop_total)."
        )
    negative = [code for code, value in present.items() if value < 0]
    if negative:
        raise DeprivationInputError(
            f"{parameter}: a population cannot be negative, but it is for {plural('LSOA', len(negative))} "
            f"({list_labels(negative, 5)}). Choose the field of residents per LSOA."
        )


def percent(share: float | None) -> str:
    """'62%', '0.4%' or 'NULL'."""
    if share is None:
        return "NULL"
    value = 100 * share
    return f"{value:.0f}%" if value >= 1 or value == 0 else f"{value:.1f}%"


def summary_sentence(name: str, summary: DeprivationSummary, national_n: int, areas_word: str = "LSOA") -> str:
    """One plain-words line for the log about a target."""
    if summary.n_areas == 0:
        return f"{name}: no {areas_word} with a rank and a population; its measures are NULL."
    if summary.population <= 0:
        return f"{name}: {plural(areas_word, summary.n_areas)} but no residents; the weighted measures are NULL."
    words = plural_word(areas_word)
    return (
        f"{name}: {percent(summary.population_most_deprived_10)} of its {format_number(summary.population)} "
        f"residents live in England's most deprived 10% of {words} ({summary.decile_counts[0]:,} of its "
        f"{plural(areas_word, summary.n_areas)}); extent {percent(summary.extent)}; average rank "
        f"{format_number(round(summary.average_rank or 0))} of {national_n:,}; local concentration "
        f"{format_number(round(summary.local_concentration or 0))}."
    )


# --- the QGIS side: read layers, place the LSOAs in the targets, write the GeoPackage ------------------


@dataclass
class SummaryOutcome:
    """Where the layer was written, each target's measures and the log that explains them."""

    uri: str
    path: Path
    layer_name: str
    #: Target key (code, or 'fid N') -> its measures.
    summaries: dict[str, DeprivationSummary]
    log: list[LogLine] = field(default_factory=list)


def deprivation_summary(
    areas: QgsVectorLayer,
    targets: QgsVectorLayer,
    output: str,
    rank_field: str,
    population_field: str,
    national_n: int | None = None,
    score_field: str | None = None,
    area_field: str | None = None,
    target_field: str | None = None,
    lookup: Path | None = None,
    feedback: QgsFeedback | None = None,
    transform_context: QgsCoordinateTransformContext | None = None,
) -> SummaryOutcome:
    """Write every target of ``targets`` with the summary measures of the LSOAs it receives.

    Each LSOA goes to one target through ``lookup`` (LSOA code -> target code) or, without one, to
    the target containing its point on surface. ``national_n`` None: the edition and N come from the
    LSOA codes and ranks (core.deprivation.deprivation.national_edition). An LSOA code on more than
    one row is refused, as it would be counted twice. Raises TableError, OutputError or
    DeprivationInputError with a message for the user, CancelledError when cancelled.
    """
    path, layer_name = gpkg_destination(output)
    check_output_is_new(path, [areas, targets, lookup])
    fields = {"RANK_FIELD": rank_field, "POPULATION_FIELD": population_field}
    if score_field:
        fields["SCORE_FIELD"] = score_field
    for parameter, name in fields.items():
        numeric_field_kind(areas, name, parameter)
    placed = place_small_areas(
        areas, targets, area_field, target_field, lookup, feedback=feedback, transform_context=transform_context
    )
    _check_unique_codes(areas, placed.area_codes.values())
    values = read_numbers(areas, list(fields.values()), feedback)
    labels = {fid: placed.label(fid) for fid in placed.area_ids}
    edition = national_edition(
        placed.area_codes.values(),
        {labels[fid]: values[fid][rank_field] for fid in placed.area_ids},
        national_n,
        error=DeprivationInputError,
        stored=stored_national_n(layer_file(areas)),
    )
    national_n = edition.national_n
    log = [*edition.log_lines(), *placed.log]
    check_populations({labels[fid]: values[fid][population_field] for fid in placed.area_ids})

    members: dict[str, list[RankedArea]] = {key: [] for key in placed.key_of.values()}
    unplaced, unknown, incomplete = [], [], []
    for fid in placed.area_ids:
        row, target = values[fid], placed.target_of.get(fid)
        if not target:
            unplaced.append(labels[fid])
        elif target not in members:
            unknown.append(f"{labels[fid]} -> {target}")
        else:
            area = _ranked_area(labels[fid], row, rank_field, population_field, score_field)
            if area is None:
                incomplete.append(labels[fid])
            else:
                members[target].append(area)
    summaries = {key: summarise(found, national_n) for key, found in members.items()}

    new_fields, cells = _output_fields(targets, score_field, placed.areas_word, national_n)

    def row_of(feature: QgsFeature) -> list[object]:
        return cells(summaries[placed.key_of[feature.id()]])

    uri = write_layer_with_fields(targets, path, layer_name, new_fields, row_of, feedback)
    words = plural_word(placed.areas_word)
    log.extend(_left_out_lines(placed.areas_word, placed.reason, unplaced, unknown, incomplete, score_field, members))
    names = _target_names(targets, placed.key_of)
    for key, summary in sorted(summaries.items(), key=lambda item: -(item[1].extent or 0)):
        log.append(LogLine(summary_sentence(names.get(key, key), summary, national_n, placed.areas_word)))
    ranked = [key for key, summary in summaries.items() if summary.extent is not None]
    if ranked:
        top = max(ranked, key=lambda key: summaries[key].extent or 0)
        log.append(
            LogLine(
                f"Most deprived by extent: {names.get(top, top)}. {sum(s.n_areas for s in summaries.values()):,} "
                f"{words} summarised {placed.how}, against England's {national_n:,} ranked {words}."
            )
        )
    return SummaryOutcome(uri, path, layer_name, summaries, log)


def _check_unique_codes(areas: QgsVectorLayer, codes: Iterable[str]) -> None:
    """DeprivationInputError naming the LSOA codes on more than one row: each would be counted twice."""
    repeated = duplicated_codes(codes)
    if repeated:
        one = len(repeated) == 1
        raise DeprivationInputError(
            f"CODE_FIELD: {plural('LSOA code', len(repeated))} {'is' if one else 'are'} on more than one row of "
            f"'{layer_label(areas)}' ({list_labels(repeated, 10)}), so {'it' if one else 'they'} would be counted "
            "twice in every measure. Keep one row per LSOA, then run again."
        )


def _ranked_area(
    label: str,
    row: Mapping[str, float | int | None],
    rank_field: str,
    population_field: str,
    score_field: str | None,
) -> RankedArea | None:
    """The LSOA's rank, population and score (when asked for); None when its rank or population is NULL."""
    rank = null_as_none(row[rank_field])
    population = null_as_none(row[population_field])
    if rank is None or population is None:
        return None
    score = null_as_none(row.get(score_field)) if score_field else None
    return RankedArea(label, int(rank), population, score)


def _left_out_lines(
    areas_word: str,
    reason: str,
    unplaced: list[str],
    unknown: list[str],
    incomplete: list[str],
    score_field: str | None,
    members: Mapping[str, list[RankedArea]],
) -> list[LogLine]:
    """Warnings naming every LSOA left out of the measures, and why."""
    lines = []
    for labels, why in (
        (unplaced, f"{reason} and are left out"),
        (unknown, "map to codes that are not among the targets and are left out"),
        (incomplete, "have a NULL rank or population and are left out of every measure"),
    ):
        if labels:
            lines.append(LogLine(f"{plural(areas_word, len(labels))} {why}: {list_labels(labels)}.", warning=True))
    if score_field:
        unscored = [area.code for found in members.values() for area in found if area.score is None]
        if unscored:
            lines.append(
                LogLine(
                    f"{score_field} is NULL for {plural(areas_word, len(unscored))} ({list_labels(unscored)}): the "
                    "average score uses the others; every other measure uses them all.",
                    warning=True,
                )
            )
    empty = [key for key, found in members.items() if not found]
    if empty:
        lines.append(
            LogLine(
                f"{plural('target', len(empty))} received no {areas_word} with a rank and population: "
                f"{list_labels(empty)} (n_lsoas 0, measures NULL).",
                warning=True,
            )
        )
    return lines


def _target_names(targets: QgsVectorLayer, key_of: Mapping[int, str]) -> dict[str, str]:
    """Target key -> 'Name (key)' when the targets have a name field (ONS ...NM, or ...name); else nothing."""
    names = [name for name in targets.fields().names() if name.upper().endswith(("NM", "NAME"))]
    if not names:
        return {}
    values = field_values(targets, names[0])
    return {key: f"{value} ({key})" for key, value in zip(key_of.values(), values) if value}


def _output_fields(
    targets: QgsVectorLayer, score_field: str | None, areas_word: str, national_n: int
) -> tuple[list[NewField], Callable[[DeprivationSummary], list[object]]]:
    """The measure fields with readable aliases, and a function giving a target's cells."""
    words = plural_word(areas_word)
    wanted = [
        ("n_lsoas", "integer", f"Number of {words} with a rank and population"),
        ("population", "real", "Population of those LSOAs"),
        *([("avg_score", "real", f"Average {score_field} (population-weighted)")] if score_field else []),
        ("avg_rank", "real", f"Average rank (population-weighted; 1 = most deprived of {national_n:,})"),
        ("prop_lsoas_most_deprived_10", "real", f"Proportion of {words} in England's most deprived 10%"),
        ("pop_share_most_deprived_10", "real", "Share of residents in England's most deprived 10%"),
        ("extent", "real", "Extent: share of residents in the most deprived 30% (sliding weight 11-30%)"),
        ("local_concentration", "real", "Local concentration: average rank of the most deprived LSOAs holding 10%"),
        *[(f"decile_{d}", "integer", f"{words} in national decile {d}") for d in range(1, 11)],
    ]
    names = safe_field_names([name for name, _, _ in wanted], targets.fields().names())
    fields = [NewField(name, kind, alias) for name, (_, kind, alias) in zip(names, wanted)]

    def cells(summary: DeprivationSummary) -> list[object]:
        return [
            summary.n_areas,
            float(summary.population),
            *([summary.average_score] if score_field else []),
            summary.average_rank,
            summary.proportion_most_deprived_10,
            summary.population_most_deprived_10,
            summary.extent,
            summary.local_concentration,
            *summary.decile_counts,
        ]

    return fields, cells
