"""lis:compositeindex on Nottingham's 182 LSOAs and their IoD2019 domain ranks.

Every expectation is computed here from the GeoJSON's properties with the published formulas
(rank scaling, the IMD exponential transformation, the IMD weights), never copied from an output.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest
from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsProcessingContext,
    QgsProcessingException,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType, QVariant
from scipy.stats import rankdata, spearmanr

from lis_qgis_plugin.core.indicators.indicator_table import IndicatorMetadata
from lis_qgis_plugin.core.indicators.metadata_store import read_indicator_metadata, write_indicator_metadata
from lis_qgis_plugin.plugin import LisPlugin

from ..support import IMD_WEIGHTS, LogFeedback, imd_exponential, open_layer

ALGORITHM = "lis:compositeindex"
DOMAINS = list(IMD_WEIGHTS)
IMD_PARAMS = {
    "FIELDS": DOMAINS,
    "DIRECTIONS": ";".join(["higher is better"] * len(DOMAINS)),
    "STANDARDISE": 1,  # rank
    "EXPONENTIAL": True,
    "WEIGHTS": ";".join(str(weight) for weight in IMD_WEIGHTS.values()),
    "MISSING": 0,
}


def properties(path: Path) -> dict[str, dict]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return {feature["properties"]["LSOA11CD"]: feature["properties"] for feature in features}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(params: dict) -> tuple[dict, LogFeedback]:
    import processing

    feedback = LogFeedback()
    result = processing.run(ALGORITHM, params, context=QgsProcessingContext(), feedback=feedback)
    return result, feedback


def output_rows(uri: str) -> dict[str, dict]:
    layer = QgsVectorLayer(uri, "output", "ogr")
    assert layer.isValid(), uri
    names = layer.fields().names()
    return {feature["LSOA11CD"]: dict(zip(names, feature.attributes())) for feature in layer.getFeatures()}


def is_null(value: object) -> bool:
    return value is None or (isinstance(value, QVariant) and value.isNull())


def gpkg_copy(source: Path, folder: Path, nulls: dict[str, list[str]] | None = None, name: str = "lsoas") -> Path:
    """A GeoPackage copy of the GeoJSON (numeric fields stay numeric) with some values set to NULL."""
    gpkg = folder / f"{name}.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", name
    layer = QgsVectorLayer(str(source), "source", "ogr")
    error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(gpkg), QgsCoordinateTransformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    copy = open_layer(gpkg, name)
    changes = {
        feature.id(): {copy.fields().indexFromName(field): None for field in nulls[feature["LSOA11CD"]]}
        for feature in copy.getFeatures()
        if feature["LSOA11CD"] in (nulls or {})
    }
    assert copy.dataProvider().changeAttributeValues(changes)
    del copy
    return gpkg


def with_nulls(source: Path, folder: Path, nulls: dict[str, list[str]]) -> str:
    """The URI of a GeoPackage copy with some values set to NULL (the original is not touched)."""
    return f"{gpkg_copy(source, folder, nulls, 'with_nulls')}|layername=with_nulls"


def gpkg_properties(uri: str) -> dict[str, dict]:
    layer = QgsVectorLayer(uri, "copy", "ogr")
    names = layer.fields().names()
    return {
        feature["LSOA11CD"]: {n: (None if is_null(v) else v) for n, v in zip(names, feature.attributes())}
        for feature in layer.getFeatures()
    }


# --- the algorithm on real data ------------------------------------------------------------


def test_imd_weights_reproduce_the_published_imd(
    lis_plugin: LisPlugin, nottingham_imd2019: Path, tmp_path: Path
) -> None:
    before = digest(nottingham_imd2019)
    output = tmp_path / "composite.gpkg"
    result, feedback = run({"INPUT": str(nottingham_imd2019), **IMD_PARAMS, "OUTPUT": str(output)})
    assert digest(nottingham_imd2019) == before
    rows = output_rows(result["OUTPUT"])
    source = properties(nottingham_imd2019)
    assert len(rows) == len(source) == 182

    codes = sorted(source)
    composite = [rows[code]["composite_rank"] for code in codes]
    assert sorted(composite) == list(range(1, 183))
    rho = spearmanr(composite, [source[code]["imd_rank"] for code in codes]).correlation
    assert rho > 0.95, rho

    # Independent expectation: local ranks of each domain, least deprived = 1 (national rank 1 = most deprived).
    total = sum(IMD_WEIGHTS.values())
    local = {name: dict(zip(codes, rankdata([-source[code][name] for code in codes]))) for name in DOMAINS}
    expected = {
        code: {name: IMD_WEIGHTS[name] / total * imd_exponential(local[name][code], 182) for name in DOMAINS}
        for code in codes
    }
    for code in ("E01013810", codes[0], min(codes, key=lambda c: source[c]["imd_rank"])):
        assert rows[code]["composite_score"] == pytest.approx(sum(expected[code].values()), rel=1e-9)
        for name in DOMAINS:
            assert rows[code][f"contrib_{name}"] == pytest.approx(expected[code][name], rel=1e-9)
    worst = max(codes, key=lambda code: sum(expected[code].values()))
    assert rows[worst]["composite_rank"] == 1 and rows[worst]["composite_decile"] == 1
    assert f"Area {worst} ({source[worst]['LSOA11NM']}) is the most deprived on this composite" in feedback.text
    assert "normalised to sum to 1" in feedback.text and "add up to 0.999" in feedback.text
    deciles = [row["composite_decile"] for row in rows.values()]
    assert min(deciles) == 1 and max(deciles) == 10


def test_zscore_contributions_sum_to_the_score(lis_plugin: LisPlugin, nottingham_imd2019: Path, tmp_path: Path) -> None:
    params = {**IMD_PARAMS, "STANDARDISE": 0, "EXPONENTIAL": False, "WEIGHTS": ""}
    result, feedback = run({"INPUT": str(nottingham_imd2019), **params, "OUTPUT": str(tmp_path / "z.gpkg")})
    rows = output_rows(result["OUTPUT"])
    source = properties(nottingham_imd2019)
    scores = [row["composite_score"] for row in rows.values()]
    assert sum(scores) / len(scores) == pytest.approx(0, abs=1e-9)
    for row in rows.values():
        assert sum(row[f"contrib_{name}"] for name in DOMAINS) == pytest.approx(row["composite_score"], abs=1e-12)
    # Hand formula for one area: equal weights, z of the negated rank, population standard deviation.
    code = "E01013810"
    expected = 0.0
    for name in DOMAINS:
        values = [-props[name] for props in source.values()]
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))
        expected += (-source[code][name] - mean) / sd / len(DOMAINS)
    assert rows[code]["composite_score"] == pytest.approx(expected, rel=1e-9)
    assert "weight 0.143" in feedback.text


def test_missing_values_follow_the_chosen_rule(lis_plugin: LisPlugin, nottingham_imd2019: Path, tmp_path: Path) -> None:
    nulls = {"E01013810": ["health_rank"], "E01013811": ["crime_rank", "barriers_rank"]}
    copy = with_nulls(nottingham_imd2019, tmp_path, nulls)
    before = digest(tmp_path / "with_nulls.gpkg")
    params = {**IMD_PARAMS, "INPUT": str(copy), "EXPONENTIAL": False, "WEIGHTS": "1;1;1;1;1;1;1"}

    left_out, feedback = run({**params, "MISSING": 0, "OUTPUT": str(tmp_path / "out.gpkg")})
    rows = output_rows(left_out["OUTPUT"])
    for code in nulls:
        assert is_null(rows[code]["composite_score"]) and is_null(rows[code]["composite_rank"])
        assert is_null(rows[code]["composite_decile"])
    assert sorted(row["composite_rank"] for row in rows.values() if not is_null(row["composite_rank"])) == list(
        range(1, 181)
    )
    assert "2 areas have no score" in feedback.text and "E01013810" in feedback.text

    reweighted, feedback = run({**params, "MISSING": 1, "OUTPUT": str(tmp_path / "re.gpkg")})
    rows = output_rows(reweighted["OUTPUT"])
    source = gpkg_properties(copy)
    code = "E01013811"
    present = [name for name in DOMAINS if name not in nulls[code]]
    # Each domain is ranked among the areas that have it; the 5 remaining weights are re-normalised to 1/5.
    expected = 0.0
    for name in present:
        others = [props[name] for props in source.values() if props[name] is not None]
        rank_from_least = sum(1 for value in others if value >= source[code][name])  # distinct national ranks
        expected += (rank_from_least - 0.5) / len(others) / len(present)
    assert rows[code]["composite_score"] == pytest.approx(expected, rel=1e-9)
    assert is_null(rows[code]["contrib_crime_rank"]) and is_null(rows[code]["contrib_barriers_rank"])
    assert sum(rows[code][f"contrib_{name}"] for name in present) == pytest.approx(expected)
    assert sorted(row["composite_rank"] for row in rows.values()) == list(range(1, 183))
    assert "re-weighted" in feedback.text
    assert digest(tmp_path / "with_nulls.gpkg") == before


def test_default_directions_come_from_lis_metadata(
    lis_plugin: LisPlugin, nottingham_imd2019: Path, tmp_path: Path
) -> None:
    gpkg = gpkg_copy(nottingham_imd2019, tmp_path)
    write_indicator_metadata(
        gpkg, "lsoas", {name: IndicatorMetadata(name, polarity="higher is better") for name in DOMAINS}
    )
    explicit, _ = run({"INPUT": str(nottingham_imd2019), **IMD_PARAMS, "OUTPUT": str(tmp_path / "a.gpkg")})
    from_metadata, feedback = run(
        {**IMD_PARAMS, "INPUT": f"{gpkg}|layername=lsoas", "DIRECTIONS": "", "OUTPUT": str(tmp_path / "b.gpkg")}
    )
    assert "from the indicator's metadata" in feedback.text
    a, b = output_rows(explicit["OUTPUT"]), output_rows(from_metadata["OUTPUT"])
    assert {code: row["composite_rank"] for code, row in a.items()} == {
        code: row["composite_rank"] for code, row in b.items()
    }
    stored = read_indicator_metadata(tmp_path / "b.gpkg", "b")
    assert stored["composite_score"].polarity == "higher is worse"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"WEIGHTS": "0.5;0.5"}, "WEIGHTS has 2 weights but FIELDS has 7 fields"),
        ({"WEIGHTS": "1;1;1;-1;1;1;1"}, "Weights must be zero or positive"),
        ({"FIELDS": ["LSOA11NM"], "DIRECTIONS": "", "WEIGHTS": ""}, "Field 'LSOA11NM' .* is not numeric"),
        ({"FIELDS": ["income_rank", "health_rank"], "DIRECTIONS": "", "WEIGHTS": ""}, "health_rank is NULL in every"),
        ({"STANDARDISE": 0}, "exponential transformation applies to ranks"),
        ({"DIRECTIONS": "up"}, "DIRECTIONS has 1 entry but FIELDS has 7"),
    ],
)
def test_bad_inputs_give_clear_messages(
    lis_plugin: LisPlugin, nottingham_imd2019: Path, tmp_path: Path, change: dict, message: str
) -> None:
    copy = with_nulls(nottingham_imd2019, tmp_path, {code: ["health_rank"] for code in properties(nottingham_imd2019)})
    before = digest(tmp_path / "with_nulls.gpkg")
    output = tmp_path / "bad.gpkg"
    with pytest.raises(QgsProcessingException, match=message):
        run({"INPUT": str(copy), **IMD_PARAMS, **change, "OUTPUT": str(output)})
    assert digest(tmp_path / "with_nulls.gpkg") == before
    assert not output.exists()


def test_output_reopens_with_typed_fields(lis_plugin: LisPlugin, nottingham_imd2019: Path, tmp_path: Path) -> None:
    result, _ = run({"INPUT": str(nottingham_imd2019), **IMD_PARAMS, "OUTPUT": str(tmp_path / "typed.gpkg")})
    layer = open_layer(tmp_path / "typed.gpkg", "typed")
    assert result["OUTPUT"] == f"{tmp_path / 'typed.gpkg'}|layername=typed"
    fields = layer.fields()
    assert fields.field("composite_score").type() == QMetaType.Type.Double
    assert fields.field("composite_rank").type() in (QMetaType.Type.Int, QMetaType.Type.LongLong)
    assert fields.field("composite_decile").type() in (QMetaType.Type.Int, QMetaType.Type.LongLong)
    for name in DOMAINS:
        assert fields.field(f"contrib_{name}").type() == QMetaType.Type.Double
    source = QgsVectorLayer(str(nottingham_imd2019), "source", "ogr")
    assert set(source.fields().names()) <= set(fields.names())
    assert layer.featureCount() == 182 and all(feature.hasGeometry() for feature in layer.getFeatures())
    assert fields.field("composite_rank").alias() == "Composite rank (1 = most deprived)"


def test_an_lsoa_listed_twice_is_refused_by_name(
    lis_plugin: LisPlugin, nottingham_imd2019: Path, tmp_path: Path
) -> None:
    """A duplicated LSOA would weigh twice in every mean, standard deviation and rank (issue 16)."""
    gpkg = gpkg_copy(nottingham_imd2019, tmp_path, name="twice")
    layer = open_layer(gpkg, "twice")
    first = next(layer.getFeatures())
    copy = QgsFeature(first)
    copy.setAttribute("fid", None)  # a new row with the same LSOA
    assert layer.dataProvider().addFeatures([copy])[0]
    code = first["LSOA11CD"]
    del layer
    before = digest(gpkg)
    with pytest.raises(QgsProcessingException, match=f"lists 1 area code more than once \\({code}\\)"):
        run({"INPUT": f"{gpkg}|layername=twice", **IMD_PARAMS, "OUTPUT": str(tmp_path / "out.gpkg")})
    assert digest(gpkg) == before
    assert not (tmp_path / "out.gpkg").exists()
