"""The atlas's data: a GeoPackage copy of the areas with each page's table and chart already made.

Print layouts render the pages from this GeoPackage alone, with QGIS's own items and no HTML:
each area's spine chart is an SVG stored as a ``base64:`` picture source in a field of the
areas layer (a picture item reads it through a data-defined source), and its indicator table
is a set of display-ready text rows in a second, non-spatial layer ('<layer>_rows', one row per
area and indicator, keyed by ``atlas_key``), shown by an attribute table filtered to the atlas
area. So the pages render the same in any QGIS, with or without the plugin. The copy also
materialises whatever the coverage layer showed (virtual joins, expressions' inputs): no join
is evaluated under the atlas.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeedback,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..common.errors import CancelledError, LisError, LogLine
from ..common.ons_codes import is_normalised_code, profile_codes
from ..common.wording import plural, plural_word
from ..indicators.indicator_table import IndicatorMetadata
from ..indicators.metadata_store import write_indicator_metadata
from ..io.gpkg_writer import FeatureTable, replace_table
from ..io.layer_codes import attribute_text, field_values, find_layer_code_field, layer_label
from ..io.layer_output import (
    NewField,
    OutputError,
    check_output_is_new,
    gpkg_destination,
    inherited_aliases,
    layer_file,
    safe_field_names,
    write_layer_with_fields,
)
from ..io.layer_values import attribute_number, numeric_kind, read_numbers
from ..io.table_files import TableError
from ..store.store_location import StoreLocation, store_label
from .atlas_chart import picture_source, spine_chart_svg
from .atlas_england import (
    ENGLAND_CODE,
    EnglandValues,
    long_table_england,
    match_long_england,
    source_table_england,
)
from .atlas_indicators import (
    AtlasIndicator,
    AtlasInputError,
    Comparators,
    comparators,
    describe_indicators,
    layer_metadata,
    match_england_values,
    page_rows,
    read_england_values,
)
from .atlas_measures import MEAN, POOLED, PUBLISHED, SUM, iod_summary
from .atlas_statistics import district_limits, headline, with_statistics
from .atlas_store import store_figures
from .atlas_table import ROW_COLUMNS, ProfileRow, profile_rows
from .atlas_trends import PeriodFigures, pooled_district, source_series, with_published_figures

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
OSM = "\u00a9 OpenStreetMap contributors."
#: Names of the fields the atlas adds; made unique against the coverage's own fields.
PAGE_FIELDS = ("atlas_name", "atlas_code", "atlas_file", "atlas_page", "atlas_key", "atlas_chart", "atlas_headline")
#: Suffix of the table rows layer's name: 'pages' -> 'pages_rows'.
ROWS_SUFFIX = "_rows"
_NAME_FIELD = re.compile(r"(^|[^a-z])(name|nm)$|^[a-z]+\d{2}nm$|name", re.IGNORECASE)
_OSM_HINT = re.compile(r"osm|openstreetmap|geofabrik|overpass", re.IGNORECASE)


@dataclass(frozen=True)
class AtlasFields:
    """The names of the atlas fields in the written layer (they are referenced by the layout's expressions)."""

    name: str
    code: str
    file: str
    page: str
    #: Links an area to its rows in the rows layer (1, 2, ... in the order of the coverage's features).
    key: str
    #: The spine chart as a picture source: 'base64:' and the SVG.
    chart: str
    #: The page's plain-words headline (atlas_statistics.headline), '' when nothing was compared with England.
    headline: str


@dataclass(frozen=True)
class PageFailure:
    """An area whose page cannot be made, and why."""

    name: str
    code: str
    reason: str

    def describe(self) -> str:
        """ "Page 'Cottesmore' (E05012634): it has no geometry..."."""
        code = f" ({self.code})" if self.code and self.code != self.name else ""
        return f"Page '{self.name}'{code}: {self.reason}"


@dataclass
class AtlasPages:
    """The written atlas layer, what its pages hold, and the words the page footnote needs."""

    uri: str
    path: Path
    layer_name: str
    fields: AtlasFields
    indicators: list[AtlasIndicator]
    compared: Comparators
    #: What one area is, singular: 'ward', 'LSOA', 'area'.
    area_word: str
    district_name: str
    page_names: list[str]
    #: The layer of table rows, in the same GeoPackage.
    rows_layer_name: str = ""
    england_source: str = ""
    #: Where each England value came from, in words for the footnote ('national values from england.csv').
    england_notes: list[str] = field(default_factory=list)
    #: The coverage layer's name, for a footnote that has no source to cite.
    layer_name_shown: str = ""
    #: An indicator source (a file name) -> how the footnote cites it.
    source_citations: dict[str, str] = field(default_factory=dict)
    #: True when the areas carry ONS codes: ONS boundaries contain OS data, which must be attributed.
    ons_codes: bool = False
    failures: list[PageFailure] = field(default_factory=list)
    log: list[LogLine] = field(default_factory=list)
    #: Labels of the indicators with confidence limits on some page (compared with England when it has a value).
    tested: list[str] = field(default_factory=list)
    #: Those of them whose limits the source published (Fingertips), not computed by the atlas.
    published_limits: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Pages that will be printed (areas without a failure)."""
        return len(self.page_names)

    @property
    def rows_uri(self) -> str:
        """The rows layer's URI ('file.gpkg|layername=pages_rows')."""
        return f"{self.path}|layername={self.rows_layer_name}"

    @property
    def show_england(self) -> bool:
        """True when an England value was given for some indicator (the table then has an England column)."""
        return any(value is not None for value in self.compared.england.values())

    @property
    def compared_with_england(self) -> bool:
        """True when some indicator has limits and England a value: the pages then say how areas compare with it."""
        return bool(self.tested) and self.show_england


def slug(text: str) -> str:
    """'Braunston & Martinsthorpe' -> 'braunston-martinsthorpe': safe in file names on every system."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "area"


def page_file_stem(code: str, name: str) -> str:
    """'<code>_<slugged-name>' (or the slug alone without a code), the name of an area's own file."""
    safe_code = re.sub(r"[^A-Za-z0-9-]+", "-", code).strip("-")
    return f"{safe_code}_{slug(name)}" if safe_code else slug(name)


def find_name_field(layer: QgsVectorLayer, chosen: str | None = None, code_field: str | None = None) -> str:
    """The field of area names (checked when chosen); AtlasInputError naming the layer when there is none.

    Found automatically: a text field called like a name (WD25NM, ward_name, name), preferring
    the one paired with the code field (WD25CD -> WD25NM), whose values are not ONS codes.
    """
    names = layer.fields().names()
    if chosen:
        if chosen not in names:
            raise AtlasInputError(
                f"NAME_FIELD: layer '{layer_label(layer)}' has no field '{chosen}'. Its fields are: "
                f"{', '.join(names)}. Choose the field holding the area names, or leave NAME_FIELD empty to find it."
            )
        return chosen
    text_fields = [item.name() for item in layer.fields() if item.type() == QMetaType.Type.QString]
    candidates = [name for name in text_fields if name != code_field and _NAME_FIELD.search(name)]
    if code_field and code_field.upper().endswith("CD"):
        paired = f"{code_field[:-2]}NM".lower()
        candidates.sort(key=lambda name: name.lower() != paired)
    for name in candidates:
        values = [value for value in field_values(layer, name)[:200] if value]
        if values and sum(is_normalised_code(value.strip().upper()) for value in values) < len(values) / 2:
            return name
    raise AtlasInputError(
        f"NAME_FIELD: layer '{layer_label(layer)}' has no field of area names (such as WD25NM, ward_name or name) "
        f"among its text fields ({', '.join(text_fields) or 'none'}). Each page is titled with its area's name: "
        "choose the name field by hand, or add one to the layer."
    )


def _code_field(layer: QgsVectorLayer, chosen: str | None) -> str | None:
    """The chosen or detected field of area codes; None when the layer has none (file names then use names)."""
    try:
        return find_layer_code_field(layer, chosen or None)
    except TableError as error:
        if chosen:
            raise AtlasInputError(f"CODE_FIELD: {error}") from None
        return None


def _population_field(layer: QgsVectorLayer, chosen: str | None) -> str | None:
    if not chosen:
        return None
    index = layer.fields().indexFromName(chosen)
    if index < 0:
        raise AtlasInputError(
            f"POPULATION_FIELD: layer '{layer_label(layer)}' has no field '{chosen}'. Its fields are: "
            f"{', '.join(layer.fields().names())}. Choose the areas' population, or leave it empty for a plain mean."
        )
    if numeric_kind(layer.fields().at(index)) is None:
        raise AtlasInputError(
            f"POPULATION_FIELD: field '{chosen}' of layer '{layer_label(layer)}' is "
            f"{layer.fields().at(index).typeName()}, not numbers. Choose a numeric population field."
        )
    return chosen


def district_name_of(layer: QgsVectorLayer, skip: Sequence[str]) -> str:
    """The one district every area names (a LAD25NM field holding 'Rutland' on every row), else ''."""
    return _one_district_value(layer, skip, r"(nm|name)$")


def district_code_of(layer: QgsVectorLayer, skip: Sequence[str]) -> str:
    """The one district code every area holds (LAD25CD 'E06000018' on every row), normalised; else ''."""
    code = _one_district_value(layer, skip, r"(cd|code)$").upper()
    return code if is_normalised_code(code) else ""


def _one_district_value(layer: QgsVectorLayer, skip: Sequence[str], ending: str) -> str:
    """The single value of a text field named like a district's (LAD..., district, authority) ending in ``ending``."""
    for item in layer.fields():
        name = item.name()
        if name in skip or item.type() != QMetaType.Type.QString:
            continue
        if not re.search(r"(lad|la|district|authority)", name, re.IGNORECASE):
            continue
        if not re.search(ending, name, re.IGNORECASE):
            continue
        values = {value.strip() for value in field_values(layer, name)}
        if len(values) == 1 and next(iter(values)):
            return next(iter(values))
    return ""


def check_area_layer(
    layer: QgsVectorLayer, parameter: str, purpose: str, error: type[LisError] = AtlasInputError
) -> None:
    """``error`` naming ``parameter`` for a layer of areas that is not polygons or has no features.

    ``purpose`` says what the areas are for ('An atlas makes one page per area').
    """
    if layer.geometryType() != Qgis.GeometryType.Polygon:
        kind = QgsWkbTypes.geometryDisplayString(layer.geometryType())
        raise error(
            f"{parameter}: layer '{layer_label(layer)}' has {kind} geometry. {purpose}: choose a polygon layer "
            "(wards, LSOAs, catchments)."
        )
    if not next(layer.getFeatures(QgsFeatureRequest().setLimit(1).setNoAttributes()), None):
        raise error(
            f"{parameter}: layer '{layer_label(layer)}' has no features. {purpose}: choose a layer with one polygon "
            "per area, or clear its filter if it has one."
        )


def check_coverage(coverage: QgsVectorLayer) -> None:
    """AtlasInputError for a coverage layer that cannot give pages: not polygons, or no features."""
    check_area_layer(coverage, "COVERAGE", "An atlas makes one page per area")


def prepare_atlas_pages(
    coverage: QgsVectorLayer,
    output: str,
    indicator_fields: Sequence[str],
    name_field: str | None = None,
    code_field: str | None = None,
    population_field: str | None = None,
    england_file: Path | None = None,
    district_name: str = "",
    stop_on_error: bool = False,
    chart_size_mm: tuple[float, float] = (190.0, 70.0),
    text_scale: float = 1.0,
    feedback: QgsFeedback | None = None,
    store: StoreLocation | None = None,
) -> AtlasPages:
    """Check the inputs, compute every area's table and chart, and write the atlas layer to ``output``.

    ``output`` is a GeoPackage destination ('file.gpkg' or 'file.gpkg|layername=pages'); the table
    rows go to the layer '<layername>_rows' beside it. Charts are drawn for a picture item of
    ``chart_size_mm``, their print enlarged by ``text_scale`` (1.414 for an A4 template stretched to A3).
    Raises AtlasInputError, TableError or OutputError with a message for the user, and
    CancelledError when ``feedback`` is cancelled. The coverage layer is only read. ``store``: the indicator
    store whose limits, counts, earlier periods and England rows the indicators' figures come from.
    """
    path, layer_name = gpkg_destination(output)
    check_output_is_new(path, [coverage, england_file])
    check_coverage(coverage)
    code_field = _code_field(coverage, code_field)
    name_field = find_name_field(coverage, name_field, code_field)
    population_field = _population_field(coverage, population_field)
    indicators = describe_indicators(coverage, indicator_fields, layer_metadata(coverage))
    log: list[LogLine] = []
    district = district_name.strip() or district_name_of(coverage, [name_field, code_field or ""]) or "District"
    known = national_values(coverage, indicators, district_code_of(coverage, [code_field or ""]), district)
    england, england_notes = known.values, known.notes
    indicators = [replace(ind, method=PUBLISHED) if ind.field in known.district else ind for ind in indicators]
    log.extend(LogLine(problem, warning=True) for problem in known.problems)
    given: dict[str, float] = {}
    if england_file:
        given, note = _given_england_values(Path(england_file), indicators, log)
        england.update(given)
        england_notes.append(note)

    request = QgsFeatureRequest()
    names, codes, has_geometry, ids = {}, {}, {}, []
    for feature in coverage.getFeatures(request):
        if feedback is not None and feedback.isCanceled():
            raise CancelledError()
        fid = feature.id()
        ids.append(fid)
        codes[fid] = attribute_text(feature[code_field]).strip() if code_field else ""
        names[fid] = attribute_text(feature[name_field]).strip() or codes[fid] or f"feature {fid}"
        geometry = feature.geometry()
        has_geometry[fid] = feature.hasGeometry() and not geometry.isEmpty()
    area_word = (profile_codes(codes.values()).main if code_field else None) or "area"
    areas_word = plural_word(area_word)
    denominators = [ind.denominator for ind in indicators if ind.denominator]
    values = read_numbers(coverage, list(dict.fromkeys([ind.field for ind in indicators] + denominators)), feedback)
    populations = None
    if population_field:
        people = read_numbers(coverage, [population_field])
        populations = [attribute_number(people[fid][population_field]) for fid in ids]
    population_label = _alias(coverage, population_field) if population_field else ""
    source_file = layer_file(coverage)
    published = source_series(source_file.parent if source_file else None, indicators, list(codes.values()))
    if store is not None:
        published.update(_from_store(store, indicators, list(codes.values()), given, known, log))
    indicators, pooled, district_values = _pooled_districts(indicators, published, [codes[fid] for fid in ids])
    compared = comparators(
        indicators, [values[fid] for fid in ids], populations, england, areas_word, population_label,
        published={**district_values, **known.district}, published_note="; ".join(known.district_notes),
    )  # fmt: skip
    pooled.update(district_limits([ind for ind in indicators if ind.field not in pooled], [values[fid] for fid in ids]))
    failures = []
    for fid in ids:
        if not has_geometry[fid]:
            failure = PageFailure(names[fid], codes[fid], "it has no geometry, so its map cannot be drawn.")
            if stop_on_error:
                raise AtlasInputError(
                    f"{failure.describe()} ON_ERROR is 'stop': give the area a polygon, or choose 'continue' to "
                    "skip such pages."
                )
            failures.append(failure)
    failed = {(failure.name, failure.code) for failure in failures}

    stems: dict[str, int] = {}
    keys = {fid: number for number, fid in enumerate(ids, start=1)}
    table_rows: dict[int, list[ProfileRow]] = {}
    tested: dict[str, None] = {}

    def cells(feature: QgsFeature) -> list[object]:
        fid = feature.id()
        rows = page_rows(indicators, values[fid], compared)
        rows = with_published_figures(rows, {name: by_code.get(codes[fid], []) for name, by_code in published.items()})
        rows = with_statistics(rows, values[fid], pooled)
        tested.update(dict.fromkeys(row.indicator.label for row in rows if row.limits is not None))
        stem = page_file_stem(codes[fid], names[fid])
        stems[stem] = stems.get(stem, 0) + 1
        if stems[stem] > 1:
            stem = f"{stem}_{stems[stem]}"
        table_rows[keys[fid]] = profile_rows(rows)
        chart_width, chart_height = (size / text_scale for size in chart_size_mm)  # the SVG scales to the item
        compared_rows = [row for row in rows if row.indicator.method != SUM] or rows  # a count is no comparison
        chart = spine_chart_svg(compared_rows, names[fid], district, areas_word, chart_width, chart_height)
        printed = 0 if (names[fid], codes[fid]) in failed else 1
        statement = headline(names[fid], [row for row in rows if row.indicator.method != SUM])
        return [names[fid], codes[fid], stem, printed, keys[fid], picture_source(chart), statement]

    taken = coverage.fields().names()
    kinds = ("text", "text", "text", "integer", "integer", "text", "text")
    aliases = ("Page title", "Area code", "File name", "Printed (1) or skipped (0)", "Key of the table rows",
               "Chart (base64 SVG)", "Headline")  # fmt: skip
    new_names = safe_field_names(PAGE_FIELDS, taken)
    new_fields = [NewField(name, kind, alias) for name, kind, alias in zip(new_names, kinds, aliases)]
    uri = write_layer_with_fields(coverage, path, layer_name, new_fields, cells, feedback)
    rows_layer_name = f"{layer_name}{ROWS_SUFFIX}"
    write_profile_rows(path, rows_layer_name, table_rows)
    write_indicator_metadata(
        path,
        layer_name,
        {ind.field: IndicatorMetadata(ind.label, ind.source, ind.period, ind.unit, ind.polarity) for ind in indicators},
    )
    page_names = sorted(names[fid] for fid in ids if (names[fid], codes[fid]) not in failed)
    log.insert(
        0,
        LogLine(
            f"{plural('page', len(page_names))}, one per {area_word} of '{layer_label(coverage)}' (names from "
            f"{name_field}{f', codes from {code_field}' if code_field else ''}); "
            f"{plural('indicator', len(indicators))}. {district} = {compared.district_method}."
        ),
    )
    unjudged = [ind.label for ind in indicators if not ind.direction and ind.method != SUM]
    if unjudged:
        log.append(
            LogLine(
                "No polarity (higher is better/worse) in the indicator metadata, so differences are shown but not "
                f"judged better or worse: {', '.join(unjudged)}. Give a metadata table to lis:joinindicators to set it."
            )
        )
    log.extend(LogLine(failure.describe() + " Skipped (ON_ERROR is 'continue').", warning=True) for failure in failures)
    return AtlasPages(
        uri,
        path,
        layer_name,
        AtlasFields(*new_names),
        indicators,
        compared,
        area_word,
        district,
        page_names,
        rows_layer_name=rows_layer_name,
        england_source=Path(england_file).name if england_file else "",
        england_notes=england_notes,
        source_citations=known.citations,
        layer_name_shown=layer_label(coverage),
        ons_codes=any(is_normalised_code(code.upper()) for code in codes.values()),
        failures=failures,
        log=log,
        tested=list(tested),
        published_limits=[ind.label for ind in indicators if ind.label in tested and ind.field in published],
    )


def _pooled_districts(
    indicators: Sequence[AtlasIndicator],
    published: Mapping[str, Mapping[str, Sequence[PeriodFigures]]],
    codes: Sequence[str],
) -> tuple[list[AtlasIndicator], dict[str, tuple[float, float] | None], dict[str, float]]:
    """Indicators known only as the areas' ratios whose source gives every area's count and denominator: their
    district value is pooled (POOLED), with its limits. Returns the indicators, those limits and those values."""
    found = pooled_district([ind for ind in indicators if ind.method == MEAN], published, codes)
    pooled = [replace(ind, method=POOLED) if ind.field in found else ind for ind in indicators]
    return (
        pooled,
        {name: limits for name, (_, limits) in found.items()},
        {name: value for name, (value, _) in found.items()},
    )


def _from_store(
    store: StoreLocation,
    indicators: Sequence[AtlasIndicator],
    codes: Sequence[str],
    given: Mapping[str, float],
    known: EnglandValues,
    log: list[LogLine],
) -> dict[str, dict[str, list[PeriodFigures]]]:
    """The store's series of the indicators; its England rows go into ``known`` unless ENGLAND_VALUES ``given`` them."""
    stored = store_figures(store, indicators, codes)
    from_store = {name: value for name, value in stored.england.items() if name not in given}
    known.values.update(from_store)
    if from_store:
        known.notes.append(f"England's rows ({ENGLAND_CODE}) in the indicator store {store_label(store)}")
    matched = "; ".join(f"{name} = {store_id}" for name, store_id in stored.ids.items())
    log.append(
        LogLine(f"Indicator store {store_label(store)}: {matched or 'none of the indicators is in it (by name)'}.")
    )
    return stored.series


def write_profile_rows(path: Path, layer_name: str, table_rows: dict[int, list[ProfileRow]]) -> str:
    """Write the table rows of every area (ROW_COLUMNS, keyed by atlas_key) as a no-geometry layer of ``path``."""
    names = [name for name, _ in ROW_COLUMNS]
    rows = [dict(zip(names, row.values(key))) for key, area_rows in table_rows.items() for row in area_rows]
    try:
        replace_table(path, FeatureTable(layer_name, list(ROW_COLUMNS), rows))
    except OSError as error:
        raise OutputError(f"{path}: {error}. Choose another output file.") from None
    return f"{path}|layername={layer_name}"


def _alias(layer: QgsVectorLayer, name: str) -> str:
    index = layer.fields().indexFromName(name)
    return layer.fields().at(index).displayName() if index >= 0 else name


def needs_osm_attribution(layer_descriptions: Sequence[str]) -> bool:
    """True when a map layer's name or source says it holds OpenStreetMap data (OSM, Geofabrik extracts...)."""
    return any(_OSM_HINT.search(text or "") for text in layer_descriptions)


def national_values(
    coverage: QgsVectorLayer, indicators: Sequence[AtlasIndicator], district_code: str = "", district_name: str = ""
) -> EnglandValues:
    """England's (and the district's own) values that come with the data, how they were found, and citations.

    The IoD's national deciles fix England's share of LSOAs in the most deprived 10%; a long
    table the indicators came from (Fingertips' CSV, beside the layer) has England's own row, and
    the row of the district ``district_code`` when the download was made within it.
    """
    source = layer_file(coverage)
    found = source_table_england(source.parent if source else None, indicators, district_code, district_name)
    summary = iod_summary(coverage.fields().names(), inherited_aliases(coverage))
    if summary is not None:
        fixed = {ind.field: value for ind in indicators if (value := summary.england(ind.field)) is not None}
        found.values.update(fixed)
        found.notes[:0] = [summary.england_note()] if fixed else []
    return found


def _given_england_values(
    path: Path, indicators: Sequence[AtlasIndicator], log: list[LogLine]
) -> tuple[dict[str, float], str]:
    """ENGLAND_VALUES: a table of field and value, or a long table (Fingertips' CSV) with England's row."""
    long_table = long_table_england(path)
    if long_table is not None:
        found = match_long_england(indicators, long_table, path.name)
        given = found.values
        log.extend(LogLine(f"ENGLAND_VALUES: {problem}", warning=True) for problem in found.problems)
        if not long_table:
            log.append(
                LogLine(
                    f"ENGLAND_VALUES: {path.name} is a long table without England's row ({ENGLAND_CODE}); download "
                    "the indicators with England as the parent area, or give a table with columns field and value.",
                    warning=True,
                )
            )
    else:
        given, unmatched = match_england_values(indicators, read_england_values(path))
        if unmatched:
            log.append(
                LogLine(
                    f"ENGLAND_VALUES names no chosen indicator in these rows, left out: {', '.join(unmatched)}.",
                    warning=True,
                )
            )
    log.append(LogLine(f"England values for {len(given)} of {plural('indicator', len(indicators))} from {path}."))
    return given, f"national values from {path.name}"


def sources_text(pages: AtlasPages) -> str:
    """'Sources: <source> (<periods>); ...' from the indicator metadata; the indicators without one are named."""
    periods: dict[str, list[str]] = {}
    unsourced = []
    for indicator in pages.indicators:
        if not indicator.source:
            unsourced.append(indicator.label)
            continue
        found = periods.setdefault(indicator.source, [])
        if indicator.period and indicator.period not in found:
            found.append(indicator.period)
    cited = {source: pages.source_citations.get(source, source) for source in periods}
    sources = [f"{cited[source]} ({', '.join(found)})" if found else cited[source] for source, found in periods.items()]
    if unsourced:
        layer = f" of '{pages.layer_name_shown}'" if pages.layer_name_shown else ""
        sources.append(
            f"no source recorded with the data{layer} for {', '.join(unsourced)} (lis:joinindicators records it "
            "from a metadata table)"
        )
    return f"Sources: {'; '.join(sources)}."


def footnote_text(pages: AtlasPages, osm: bool = False, today: date | None = None) -> str:
    """The page footnote: sources, how the comparators were made, what better/worse means, and attributions."""
    today = today or date.today()
    lines = [sources_text(pages)]
    district = pages.district_name
    comparison = f"{district}: {pages.compared.district_method}."
    if pages.show_england and pages.england_notes:
        comparison += f" England: {'; '.join(pages.england_notes)}."
    else:
        comparison += " England: no national values were given."
    lines.append(comparison)
    untested = (
        f"Better/worse compares each {pages.area_word} with {district} by each indicator's polarity; no statistical "
        "significance is tested, and indicators without a polarity are not judged."
    )
    if pages.tested and not pages.show_england:
        untested += f" The 95% confidence limits under the values: {limits_sources(pages)}."
    lines.append(
        untested
        if not pages.compared_with_england
        else f"Better/worse in the last column compares each {pages.area_word} with {district} by each indicator's "
        "polarity, without a test. Against England: significantly better/worse (or higher/lower without a polarity) "
        "when England's value lies outside the area's 95% confidence limits (printed under its value; 99.8% when "
        f"marked), else similar, as on Fingertips; {limits_sources(pages)}; the other indicators are not compared."
    )
    attribution = OGL
    if pages.ons_codes:
        attribution += f" Contains OS data \u00a9 Crown copyright and database right {today.year}."
    if osm:
        attribution += f" {OSM}"
    lines.append(attribution)
    return "\n".join(lines)


def limits_sources(pages: AtlasPages) -> str:
    """Where the limits came from, by indicator: as the source published them, or computed by the atlas."""
    computed = [label for label in pages.tested if label not in pages.published_limits]
    parts = [f"limits as published in the source for {', '.join(pages.published_limits)}"] * bool(
        pages.published_limits
    )
    if computed:
        parts.append(
            "Wilson score limits of proportions and Byar's of rates (PHEindicatormethods' methods) for "
            + ", ".join(computed)
        )
    return "; ".join(parts)


def profile_title(layer: QgsVectorLayer, today: date | None = None) -> str:
    """'Nottingham ward profiles 2026-12': the district, what one area is, and the month (for file names).

    Without a district field (a LAD..NM holding one name): 'Ward profiles 2026-12'.
    """
    today = today or date.today()
    code_field = _code_field(layer, None)
    codes = field_values(layer, code_field) if code_field else []
    area_word = (profile_codes(code.strip().upper() for code in codes if code).main if codes else None) or "area"
    district = district_name_of(layer, [code_field or ""])
    if not district:  # 'Ward profiles 2026-12', not the layer's name in front of it
        return f"{area_word[:1].upper()}{area_word[1:]} profiles {today:%Y-%m}"
    return f"{district} {area_word} profiles {today:%Y-%m}"


def title_file_stem(title: str) -> str:
    """The title as a file name that every system accepts: characters such as / : * ? " < > | become '-'."""
    stem = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "-", title).strip(" .-")
    return stem[:120].rstrip(" .-") or "area profiles"
