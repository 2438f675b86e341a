"""Match indicator rows to boundary codes and explain every row and boundary that did not match.

Pure Python: the QGIS side reads the boundary codes and writes the output; this module
decides which values each boundary gets, and why some get none, so the reasoning is
tested without QGIS.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..common.errors import LisError
from ..common.ons_codes import GeographyProfile, code_vintage, profile_codes, vintage_from_name
from ..common.wording import list_labels, plural
from .code_lookup import CodeLookup
from .indicator_table import IndicatorTable

DUPLICATE_POLICIES = ("error", "first", "last", "sum", "mean")
DUPLICATE_LABELS = {
    "error": "Stop and list them (safest)",
    "first": "Keep the first row",
    "last": "Keep the last row",
    "sum": "Add the rows up (counts)",
    "mean": "Average the rows",
}
_LISTED = 10  # codes named in a one-line message


class JoinError(LisError, ValueError):
    """The join cannot give a trustworthy result; the message says why and what to do."""


@dataclass
class JoinPlan:
    """Values per boundary code, and the account of everything that did not match."""

    columns: list[str]
    kinds: list[str]
    values: dict[str, list]
    boundary_count: int
    matched: list[str]
    unmatched_boundaries: list[str]
    unmatched_rows: list[tuple[int, str]]
    other_geography_rows: list[tuple[int, str, str]]
    duplicates: dict[str, list[int]]
    duplicate_policy: str
    boundary_geography: str | None
    table_geography: str | None
    diagnosis: list[str] = field(default_factory=list)
    conversion: list[str] = field(default_factory=list)

    @property
    def matched_count(self) -> int:
        """Boundary features' distinct codes that received a row."""
        return len(self.matched)


def _listed(codes: Sequence[str]) -> str:
    return list_labels(list(codes), _LISTED)


def _combine(values: list, kind: str, policy: str) -> object:
    """One value from several rows of the same code, by the chosen policy."""
    if policy == "first" or kind == "text" and policy in ("sum", "mean"):
        return values[0]
    if policy == "last":
        return values[-1]
    present = [value for value in values if value is not None]
    if not present:
        return None
    total = sum(present)
    if policy == "sum":
        return total
    return total / len(present)


def plan_join(
    boundary_codes: Sequence[str],
    table: IndicatorTable,
    duplicate_policy: str = "error",
    lookup: CodeLookup | None = None,
    boundary_field: str = "",
) -> JoinPlan:
    """Decide each boundary code's values; raise JoinError when the result would mislead."""
    if duplicate_policy not in DUPLICATE_POLICIES:
        raise JoinError(f"Unknown duplicate policy '{duplicate_policy}': use one of {', '.join(DUPLICATE_POLICIES)}.")
    boundary_set = set(boundary_codes)
    boundary_profile = profile_codes(boundary_set)
    table_profile = profile_codes(set(table.codes))
    boundary_geography = boundary_profile.main
    rows_by_code, other_geography = _rows_by_code(table, table_profile.geography, boundary_geography, boundary_set)
    if lookup is None:
        _check_same_geography(table, table_profile, boundary_geography, rows_by_code, boundary_set, boundary_field)
    duplicates = _duplicate_rows(table, rows_by_code, duplicate_policy)
    conversion: list[str] = []
    groups: dict[str, list[int]] = rows_by_code
    if lookup is not None:
        groups, conversion = _convert_codes(rows_by_code, lookup, boundary_set, duplicate_policy, table.source)
    values = _joined_values(table, groups, boundary_set, duplicate_policy)
    ordered_boundaries = list(dict.fromkeys(boundary_codes))
    used_rows = {index for code in values for index in groups[code]}
    plan = JoinPlan(
        columns=[column.name for column in table.columns],
        kinds=_output_kinds(table, values, groups),
        values=values,
        boundary_count=len(boundary_codes),
        matched=[code for code in ordered_boundaries if code in values],
        unmatched_boundaries=[code for code in ordered_boundaries if code not in values and code],
        unmatched_rows=sorted(
            (table.row_numbers[index], table.codes[index])
            for indexes in rows_by_code.values()
            for index in indexes
            if index not in used_rows
        ),
        other_geography_rows=other_geography,
        duplicates=duplicates,
        duplicate_policy=duplicate_policy,
        boundary_geography=boundary_geography,
        table_geography=table_profile.main,
        conversion=conversion,
    )
    plan.diagnosis = diagnose(
        plan, table, boundary_set, boundary_field, lookup is not None,
        (boundary_profile.newest_codes, table_profile.newest_codes),
    )  # fmt: skip
    if not plan.matched:
        raise JoinError(
            f"{table.source}: none of the table's {plural('code', len(set(table.codes)))} matches the "
            f"{plural('boundary code', len(boundary_set))} in field '{boundary_field}'. " + " ".join(plan.diagnosis)
        )
    return plan


def _rows_by_code(
    table: IndicatorTable, geography_by_code: Mapping[str, str], boundary_geography: str | None, boundary_set: set[str]
) -> tuple[dict[str, list[int]], list[tuple[int, str, str]]]:
    """Code -> its row indexes, and the rows (row number, code, geography) set aside for another geography.

    A row is set aside when its code is of another geography than the boundaries' and is not a boundary code.
    """
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    other_geography: list[tuple[int, str, str]] = []
    aside: set[str] = set()
    if boundary_geography:
        aside = {
            code
            for code, geography in geography_by_code.items()
            if geography != boundary_geography and code not in boundary_set
        }
    if not aside:  # the usual table, of the boundaries' geography: no test per row
        for index, code in enumerate(table.codes):
            rows_by_code[code].append(index)
        return rows_by_code, other_geography
    for index, code in enumerate(table.codes):
        if code in aside:
            other_geography.append((table.row_numbers[index], code, geography_by_code[code]))
            continue
        rows_by_code[code].append(index)
    return rows_by_code, other_geography


def _check_same_geography(
    table: IndicatorTable,
    table_profile: GeographyProfile,
    boundary_geography: str | None,
    rows_by_code: Mapping[str, list[int]],
    boundary_set: set[str],
    boundary_field: str,
) -> None:
    """JoinError when no table code is of the boundaries' geography (and no lookup converts them)."""
    if (
        boundary_geography
        and table_profile.counts
        and boundary_geography not in table_profile.counts
        and not any(table_profile.geography.get(code) == boundary_geography for code in rows_by_code)
    ):
        raise JoinError(
            f"{table.source}: the table holds {table_profile.describe()} codes but the boundaries are "
            f"{boundary_geography} ({plural('code', len(boundary_set))} in field '{boundary_field}'). "
            f"Join this table onto {table_profile.main} boundaries, or aggregate the boundaries' data instead."
        )


def _duplicate_rows(table: IndicatorTable, rows_by_code: Mapping[str, list[int]], policy: str) -> dict[str, list[int]]:
    """Code -> the row numbers of a code on more than one row; JoinError naming them when the policy is 'error'."""
    duplicates = {
        code: [table.row_numbers[index] for index in indexes]
        for code, indexes in rows_by_code.items()
        if len(indexes) > 1
    }
    if duplicates and policy == "error":
        listed = "; ".join(
            f"{code} (rows {', '.join(map(str, rows[:5]))})" for code, rows in list(duplicates.items())[:5]
        )
        raise JoinError(
            f"{table.source}: {plural('code', len(duplicates))} {'appears' if len(duplicates) == 1 else 'appear'} "
            f"on more than one row: {listed}"
            f"{' and more' if len(duplicates) > 5 else ''}. Remove the repeated rows, or choose what to do with "
            "duplicates (first, last, sum for counts, mean)."
        )
    return duplicates


def _joined_values(
    table: IndicatorTable, groups: Mapping[str, list[int]], boundary_set: set[str], policy: str
) -> dict[str, list]:
    """Boundary code -> one value per column: its row's, or its rows' combined by the duplicate policy."""
    rows = list(zip(*(column.values for column in table.columns)))  # row-wise once, instead of per code
    if rows and all(len(indexes) == 1 for indexes in groups.values()):  # no duplicates: one row per code
        return {code: list(rows[indexes[0]]) for code, indexes in groups.items() if code in boundary_set}
    values: dict[str, list] = {}
    for code, indexes in groups.items():
        if code not in boundary_set:
            continue
        if len(indexes) == 1:
            values[code] = list(rows[indexes[0]]) if rows else []
        else:
            values[code] = [
                _combine([column.values[index] for index in indexes], column.kind, policy) for column in table.columns
            ]
    return values


def _output_kinds(table: IndicatorTable, values: Mapping[str, list], groups: Mapping[str, list[int]]) -> list[str]:
    """Each column's kind; an integer column becomes real when combining rows gave a fraction (a mean).

    Only combined rows are looked at: a single row's value in an integer column is an int or None.
    """
    kinds = [column.kind for column in table.columns]
    combined = [row for code, row in values.items() if len(groups[code]) > 1]
    for position, kind in enumerate(kinds):
        if kind == "integer" and any(isinstance(row[position], float) for row in combined):
            kinds[position] = "real"
    return kinds


def _convert_codes(
    rows_by_code: dict[str, list[int]], lookup: CodeLookup, boundary_set: set[str], policy: str, source: str
) -> tuple[dict[str, list[int]], list[str]]:
    """Re-key table rows from the table's codes to the boundaries' codes through the lookup."""
    converted: dict[str, list[int]] = defaultdict(list)
    origins: dict[str, list[str]] = defaultdict(list)
    for code, indexes in rows_by_code.items():
        targets = [target for target in lookup.targets(code) if target in boundary_set]
        if not targets and code in boundary_set:
            targets = [code]  # an area the lookup does not list but the boundaries share
        for target in targets:
            converted[target].extend(indexes)
            origins[target].append(code)
    merged = {target: codes for target, codes in origins.items() if len(codes) > 1}
    split = {code: [t for t in lookup.targets(code) if t in boundary_set] for code in rows_by_code}
    split = {code: targets for code, targets in split.items() if len(targets) > 1}
    notes = [
        f"Codes converted through {lookup.source} ('{lookup.from_column}' to '{lookup.to_column}'): "
        f"{plural('boundary', len(converted))} received values."
    ]
    if split:
        pieces = sum(len(targets) for targets in split.values())
        notes.append(
            f"{plural('area', len(split))} of the table split into {pieces:,} boundary areas "
            f"({_listed([f'{code} to {len(t)}' for code, t in split.items()])}); "
            "each piece carries its parent's value. "
            "Rates, ranks and deciles stay meaningful; counts such as population are repeated in every piece, "
            "so do not add them up across the pieces."
        )
    if merged:
        if policy == "error":
            raise JoinError(
                f"{source}: through the lookup, {plural('boundary area', len(merged))} receive rows from several "
                f"table areas ({_listed([f'{t} from {len(c)}' for t, c in merged.items()])}). Choose how to combine "
                "them (sum for counts, mean for rates) in 'Duplicate codes'."
            )
        notes.append(
            f"{plural('boundary area', len(merged))} merge several table areas; their values are the {policy} "
            f"of the rows ({_listed(list(merged))})."
        )
    return dict(converted), notes


def diagnose(
    plan: JoinPlan,
    table: IndicatorTable,
    boundary_set: set[str],
    boundary_field: str,
    converted: bool,
    newest_codes: tuple[Sequence[str], Sequence[str]],
) -> list[str]:
    """Plain sentences on geography and vintage, most useful first.

    ``newest_codes`` holds the boundary and table codes that only exist from 2021.
    """
    lines = []
    boundary_year = vintage_from_name(boundary_field) if boundary_field else None
    table_year = table.code_vintage
    boundary_2021, table_2021 = sorted(newest_codes[0]), sorted(newest_codes[1])
    if boundary_2021:
        boundary_year = boundary_year or 2021
    if table_2021:
        table_year = table_year or 2021
    geography = plan.boundary_geography or "area"
    if not converted and geography in ("LSOA", "MSOA"):
        new_missing = [code for code in plan.unmatched_boundaries if code_vintage(code) == 2021]
        if boundary_2021 and not table_2021 and plan.unmatched_boundaries:
            lines.append(
                f"Vintage mismatch: the boundaries are {geography} 2021 (they include codes created in 2021, such "
                f"as {_listed(boundary_2021[:3])}) but the table's codes are {geography} 2011"
                f"{f' (column {table.code_column!r})' if table_year else ''}. "
                f"{plan.matched_count:,} of {len(boundary_set):,} areas match only because unchanged areas kept their "
                f"codes; the {plural('area', len(plan.unmatched_boundaries))} that changed in 2021 "
                f"({_listed(new_missing or plan.unmatched_boundaries)}) get no value. Convert the table with a "
                f"{geography} 2011 to 2021 lookup (LOOKUP), or use a table published for 2021 areas."
            )
        elif table_2021 and not boundary_2021 and plan.unmatched_boundaries:
            lines.append(
                f"Vintage mismatch: the table holds {geography} 2021 codes (such as {_listed(table_2021[:3])}) but "
                f"the boundaries are {geography} 2011: the "
                f"{plural('area', len(plan.unmatched_boundaries))} that changed in 2021 "
                f"({_listed(plan.unmatched_boundaries)}) get no value. Use {geography} 2021 boundaries, or convert "
                "the table with a 2021 to 2011 lookup."
            )
    if boundary_year and table_year and boundary_year != table_year and not converted and not lines:
        lines.append(
            f"The boundary field '{boundary_field}' says {boundary_year} but the table column "
            f"'{table.code_column}' says {table_year}: check that both use the same {geography} edition."
        )
    if plan.other_geography_rows:
        kinds = Counter(kind for _, _, kind in plan.other_geography_rows)
        described = ", ".join(plural(f"{kind} row", count) for kind, count in kinds.most_common())
        lines.append(
            f"The table mixes geographies: besides {geography} rows it has {described} "
            f"({_listed([code for _, code, _ in plan.other_geography_rows])}). Those were not joined."
        )
    lines.append(
        f"Boundaries: {plural(geography + ' code', len(boundary_set))}"
        f"{f' ({boundary_year})' if boundary_year else ''} in field '{boundary_field}'. "
        f"Table: {plural((plan.table_geography or 'area') + ' code', len(set(table.codes)))} in column "
        f"'{table.code_column}'"
        f"{f' ({table_year})' if table_year else ''}."
    )
    return lines
