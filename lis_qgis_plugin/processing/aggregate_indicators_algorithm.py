"""lis:aggregateindicators - small-area values to wards, MSOAs, districts or drawn polygons.

A thin shell: core.aggregation does the arithmetic and the report, core.spatial_assignment
places areas by location, core.code_lookup reads lookups and core.layer_output writes the
GeoPackage. This module reads the parameters, wires those together and turns every input
problem into a QgsProcessingException that says what to fix.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsFeature,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
    QgsProviderRegistry,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..core.aggregation import (
    AreaRecord,
    Measure,
    aggregate,
    assign_by_lookup,
    list_labels,
    measure_alias,
    output_kind,
    summary_lines,
)
from ..core.code_lookup import read_code_lookup
from ..core.indicator_table import IndicatorMetadata
from ..core.layer_codes import find_layer_code_field
from ..core.layer_output import NewField, OutputError, gpkg_destination, safe_field_names, write_layer_with_fields
from ..core.metadata_store import read_indicator_metadata, write_indicator_metadata
from ..core.ons_codes import profile_codes
from ..core.spatial_assignment import (
    CancelledError,
    SpatialAssignment,
    assign_by_location,
    codes_by_id,
    feature_ids,
    numeric_kind,
    read_numbers,
)
from ..core.table_files import TableError
from ..core.wording import plural, plural_word
from .lis_algorithm import LisAlgorithm


class AggregateIndicatorsAlgorithm(LisAlgorithm):
    """Sum counts and average rates of small areas over the larger areas that contain them."""

    INPUT = "INPUT"
    CODE_FIELD = "CODE_FIELD"
    TARGET = "TARGET"
    TARGET_CODE_FIELD = "TARGET_CODE_FIELD"
    LOOKUP = "LOOKUP"
    FIELDS_SUM = "FIELDS_SUM"
    FIELDS_MEAN = "FIELDS_MEAN"
    FIELDS_WEIGHTED_MEAN = "FIELDS_WEIGHTED_MEAN"
    FIELDS_MIN = "FIELDS_MIN"
    FIELDS_MAX = "FIELDS_MAX"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    OUTPUT = "OUTPUT"
    AREAS_ASSIGNED = "AREAS_ASSIGNED"
    AREAS_UNASSIGNED = "AREAS_UNASSIGNED"

    #: Field parameters and the aggregation method each asks for.
    METHOD_PARAMETERS = (
        (FIELDS_SUM, "sum"),
        (FIELDS_MEAN, "mean"),
        (FIELDS_WEIGHTED_MEAN, "wmean"),
        (FIELDS_MIN, "min"),
        (FIELDS_MAX, "max"),
    )

    def name(self) -> str:
        return "aggregateindicators"

    def displayName(self) -> str:
        return self.tr("Aggregate indicators to larger areas")

    def group(self) -> str:
        return self.tr("Indicators")

    def groupId(self) -> str:
        return "indicators"

    def shortHelpString(self) -> str:
        return self.tr(
            "Aggregates values of small areas (for example LSOAs) to larger areas: wards, MSOAs, districts, or "
            "polygons you drew.\n\n"
            "Each small area goes to one target area:\n"
            "- with a lookup file (CSV or XLSX, small-area code -> target code, such as a best-fit LSOA to ward "
            "lookup), through the lookup. Its two code columns are found automatically;\n"
            "- without one, by location: the target polygon that contains the small area's point on surface (a "
            "point always inside it). Layers in different CRSs are handled.\n\n"
            "Choose how each field is aggregated: sum for counts (population, cases), mean, minimum, maximum, and "
            "population-weighted mean for rates, scores and ranks (choose the population field as weight). NULL "
            "values are left out and never count as 0; a target whose small areas all have NULL gets NULL.\n\n"
            "The output GeoPackage has every target area with its fields, n_areas (how many small areas it "
            "received), one field per aggregate (<field>_sum, _mean, _wmean, _min, _max) and, per field, how many "
            "small areas had a value (<field>_n). The log gives the totals in and out, and names every small area "
            "left out and every target area that received none. The inputs are never changed."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT,
                self.tr("Small areas with values (for example LSOAs)"),
                [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD,
                self.tr("Small-area code field (empty: found automatically)"),
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.TARGET,
                self.tr("Target areas (wards, MSOAs, districts or any polygons)"),
                [QgsProcessing.TypeVectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.TARGET_CODE_FIELD,
                self.tr("Target code field (empty: found automatically, or feature id when there is none)"),
                parentLayerParameterName=self.TARGET,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.LOOKUP,
                self.tr("Lookup small-area code -> target code (CSV/XLSX; empty: aggregate by location)"),
                behavior=QgsProcessingParameterFile.File,
                fileFilter=self.tr("Tables (*.csv *.tsv *.txt *.xlsx *.xlsm *.ods);;All files (*.*)"),
                optional=True,
            )
        )
        for name, label in (
            (self.FIELDS_SUM, self.tr("Fields to sum (counts: population, cases)")),
            (self.FIELDS_MEAN, self.tr("Fields to average (mean)")),
            (self.FIELDS_WEIGHTED_MEAN, self.tr("Fields to average weighted by population (rates, scores, ranks)")),
            (self.FIELDS_MIN, self.tr("Fields to take the minimum of")),
            (self.FIELDS_MAX, self.tr("Fields to take the maximum of")),
        ):
            self.addParameter(
                QgsProcessingParameterField(
                    name,
                    label,
                    parentLayerParameterName=self.INPUT,
                    type=QgsProcessingParameterField.Numeric,
                    allowMultiple=True,
                    optional=True,
                )
            )
        self.addParameter(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD,
                self.tr("Weight for weighted means (population field)"),
                parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Aggregated areas (GeoPackage)"), QgsProcessing.TypeVectorPolygon
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.AREAS_ASSIGNED, self.tr("Small areas assigned")))
        self.addOutput(QgsProcessingOutputNumber(self.AREAS_UNASSIGNED, self.tr("Small areas not assigned")))

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        try:
            return self._aggregate(parameters, context, feedback)
        except (TableError, OutputError) as error:
            raise QgsProcessingException(str(error)) from error
        except CancelledError as error:
            raise QgsProcessingException(self.tr("Cancelled: no output was written.")) from error

    def _aggregate(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        areas = self._layer(parameters, self.INPUT, context)
        targets = self._layer(parameters, self.TARGET, context)
        measures = [
            Measure(name, method)
            for parameter, method in self.METHOD_PARAMETERS
            for name in self.parameterAsFields(parameters, parameter, context)
        ]
        weight_field = next(iter(self.parameterAsFields(parameters, self.WEIGHT_FIELD, context)), "")
        weighted = [measure.field for measure in measures if measure.method == "wmean"]
        if weighted and not weight_field:
            raise QgsProcessingException(
                self.tr(
                    "FIELDS_WEIGHTED_MEAN ({0}) needs WEIGHT_FIELD: choose the population field of the small areas "
                    "to weight by (for example pop_total), or move these fields to FIELDS_MEAN."
                ).format(", ".join(weighted))
            )
        path, layer_name = gpkg_destination(self.parameterAsOutputLayer(parameters, self.OUTPUT, context))
        self._refuse_writing_into_inputs(path, areas, targets)
        kinds = self._numeric_kinds(areas, measures, weight_field)
        lookup_path = self.parameterAsFile(parameters, self.LOOKUP, context).strip()

        # Codes name the small areas in the log and key the targets; without codes, feature ids do.
        area_field = self._code_field(areas, parameters, self.CODE_FIELD, context, required=bool(lookup_path))
        target_field = self._code_field(targets, parameters, self.TARGET_CODE_FIELD, context, bool(lookup_path))
        area_codes = codes_by_id(areas, area_field) if area_field else {}
        area_ids = list(area_codes) if area_field else feature_ids(areas)
        target_codes = codes_by_id(targets, target_field) if target_field else {}
        target_ids = list(target_codes) if target_field else feature_ids(targets)
        key_of = {fid: target_codes.get(fid) or f"fid {fid}" for fid in target_ids}
        areas_word = profile_codes(area_codes.values()).main or "small area"
        targets_word = profile_codes(target_codes.values()).main or "target area"
        if not target_field:
            feedback.pushInfo(
                self.tr(
                    "Target layer '{0}' has no field of area codes: its {1} are told apart by feature id (fid)."
                ).format(targets.name(), plural(targets_word, len(target_ids)))
            )
        duplicated = sorted(key for key, count in Counter(key_of.values()).items() if count > 1)
        if duplicated:
            feedback.pushWarning(
                self.tr(
                    "These codes are on more than one target feature; each of those features gets the whole total "
                    "of its code: {0}."
                ).format(list_labels(duplicated))
            )

        steps = QgsProcessingMultiStepFeedback(3, feedback)
        if lookup_path:
            lookup = read_code_lookup(
                Path(lookup_path),
                {code for code in area_codes.values() if code},
                {code for code in target_codes.values() if code},
            )
            target_of = assign_by_lookup(area_codes, lookup.mapping, set(target_codes.values()), lookup.source)
            how = self.tr("through {0} ({1} -> {2})").format(
                Path(lookup_path).name, lookup.from_column, lookup.to_column
            )
            reason = self.tr("are not in {0}").format(Path(lookup_path).name)
        else:
            placed = assign_by_location(areas, targets, key_of, steps, context.transformContext())
            target_of = placed.target_of
            points = areas.geometryType() == QgsWkbTypes.PointGeometry
            point = self.tr("point") if points else self.tr("point on surface")
            how = self.tr("by location (the {0} containing each {1}'s {2})").format(targets_word, areas_word, point)
            reason = self.tr("lie outside every {0}").format(targets_word)
            self._report_placement(placed, area_codes, areas_word, feedback)
        steps.setCurrentStep(1)
        values = read_numbers(areas, [*kinds], steps)
        labels = {fid: area_codes.get(fid) or f"feature {fid}" for fid in area_ids}
        records = [
            AreaRecord(labels[fid], target_of.get(fid), values[fid], values[fid].get(weight_field)) for fid in area_ids
        ]
        result = aggregate(records, list(key_of.values()), measures)

        steps.setCurrentStep(2)
        fields, cells = self._output_fields(areas, targets, measures, kinds, weight_field, areas_word)

        def row(feature: QgsFeature) -> list[object]:
            target = result.targets[key_of[feature.id()]]
            return cells(target)

        uri = write_layer_with_fields(targets, path, layer_name, fields, row, steps)
        self._carry_metadata(areas, path, layer_name, measures, fields, weight_field, areas_word)
        for line in summary_lines(result, records, measures, areas_word, targets_word, how, reason):
            feedback.pushInfo(line)
        feedback.pushInfo(self.tr("Wrote {0}").format(uri))
        unassigned = len(records) - result.assigned
        return {self.OUTPUT: uri, self.AREAS_ASSIGNED: result.assigned, self.AREAS_UNASSIGNED: unassigned}

    def _layer(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> QgsVectorLayer:
        layer = self.parameterAsVectorLayer(parameters, name, context)
        if layer is None or not layer.isValid():
            raise QgsProcessingException(
                self.tr("{0}: the layer '{1}' cannot be opened. Choose a vector layer or file.").format(
                    name, parameters.get(name)
                )
            )
        return layer

    def _code_field(
        self,
        layer: QgsVectorLayer,
        parameters: dict[str, Any],
        parameter: str,
        context: QgsProcessingContext,
        required: bool,
    ) -> str | None:
        """The chosen or detected code field; None when there is none and codes are not needed."""
        chosen = self.parameterAsString(parameters, parameter, context).strip()
        try:
            return find_layer_code_field(layer, chosen or None)
        except TableError as error:
            if chosen:
                raise TableError(f"{parameter}: {error}") from error
            if required:
                raise TableError(
                    f"{parameter}: {error} A lookup matches codes, so this layer needs a code field; or leave "
                    "LOOKUP empty to aggregate by location."
                ) from error
            return None

    def _numeric_kinds(self, areas: QgsVectorLayer, measures: list[Measure], weight_field: str) -> dict[str, str]:
        """Field -> 'integer'/'real' for every field used; TableError naming a missing or text field."""
        used = {measure.field: measure for measure in measures}
        if weight_field:
            used.setdefault(weight_field, None)
        kinds = {}
        for name, measure in used.items():
            parameter = self.WEIGHT_FIELD if measure is None else self._parameter_of(measure.method)
            index = areas.fields().indexFromName(name)
            if index < 0:
                raise TableError(
                    f"{parameter}: layer '{areas.name()}' has no field '{name}'. Its fields are: "
                    f"{', '.join(areas.fields().names())}."
                )
            kind = numeric_kind(areas.fields().at(index))
            if kind is None:
                raise TableError(
                    f"{parameter}: field '{name}' of layer '{areas.name()}' is {areas.fields().at(index).typeName()}, "
                    "not numbers. Choose a numeric field, or convert it first (for example with lis:joinindicators "
                    "or the field calculator's to_real())."
                )
            kinds[name] = kind
        return kinds

    def _parameter_of(self, method: str) -> str:
        return next(parameter for parameter, each in self.METHOD_PARAMETERS if each == method)

    def _refuse_writing_into_inputs(self, path: Path, *layers: QgsVectorLayer) -> None:
        for layer in layers:
            source = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source()).get("path") or ""
            if source and path.exists() and Path(source).resolve() == path.resolve():
                raise OutputError(
                    f"{path.name}: this is the file of input layer '{layer.name()}'. LIS never writes into its "
                    "inputs: choose another output GeoPackage."
                )

    def _output_fields(
        self,
        areas: QgsVectorLayer,
        targets: QgsVectorLayer,
        measures: list[Measure],
        kinds: dict[str, str],
        weight_field: str,
        areas_word: str,
    ) -> tuple[list[NewField], Any]:
        """The new fields (n_areas, one per measure, then counts) and a function giving a target's cells."""
        words = plural_word(areas_word)
        counted = list(dict.fromkeys(measure.field for measure in measures))
        weighted = [measure for measure in measures if measure.method == "wmean"]
        wanted = [
            ("n_areas", "integer", self.tr("Number of {0}").format(words)),
            *[
                (
                    f"{m.field}_{m.method}",
                    output_kind(m.method, kinds[m.field]),
                    measure_alias(self._label(areas, m.field), m.method, words, self._label(areas, weight_field)),
                )
                for m in measures
            ],
            *[(f"{name}_n", "integer", self.tr("{0} with a value of {1}").format(words, name)) for name in counted],
            *[
                (f"{m.field}_wmean_n", "integer", self.tr("{0} in the weighted mean of {1}").format(words, m.field))
                for m in weighted
            ],
        ]
        names = safe_field_names([name for name, _, _ in wanted], targets.fields().names())
        fields = [NewField(name, kind, alias) for name, (_, kind, alias) in zip(names, wanted)]

        def cells(target: Any) -> list[object]:
            return [
                target.n_areas,
                *[target.values[m] for m in measures],
                *[target.present[name] for name in counted],
                *[target.contributors[m] for m in weighted],
            ]

        return fields, cells

    @staticmethod
    def _label(layer: QgsVectorLayer, name: str) -> str:
        """A field's alias when it has one, else its name."""
        index = layer.fields().indexFromName(name)
        return layer.fields().at(index).displayName() if index >= 0 else name

    def _carry_metadata(
        self,
        areas: QgsVectorLayer,
        path: Path,
        layer_name: str,
        measures: list[Measure],
        fields: list[NewField],
        weight_field: str,
        areas_word: str,
    ) -> None:
        """Give each aggregate the indicator metadata of its field, when the input is a LIS GeoPackage layer."""
        decoded = QgsProviderRegistry.instance().decodeUri(areas.providerType(), areas.source())
        source = decoded.get("path") or ""
        metadata: dict[str, IndicatorMetadata] = {}
        if source.lower().endswith(".gpkg"):
            known = read_indicator_metadata(Path(source), decoded.get("layerName") or Path(source).stem)
            for measure, new in zip(measures, fields[1:]):
                item = known.get(measure.field)
                if item is not None:
                    name = measure_alias(item.name, measure.method, plural_word(areas_word), weight_field)
                    metadata[new.name] = IndicatorMetadata(name, item.source, item.period, item.unit, item.polarity)
        if metadata or read_indicator_metadata(path, layer_name):  # also clears rows of an older run
            write_indicator_metadata(path, layer_name, metadata)

    def _report_placement(
        self, placed: SpatialAssignment, area_codes: dict[int, str], areas_word: str, feedback: QgsProcessingFeedback
    ) -> None:
        """Log what the log summary cannot know: areas without geometry, points in overlapping targets."""
        for ids, text in (
            (placed.without_geometry, self.tr("{0} have no geometry and cannot be placed: {1}.")),
            (
                placed.in_several_targets,
                self.tr("{0} fall in more than one target polygon (they overlap); each went to the first: {1}."),
            ),
        ):
            if ids:
                labels = [area_codes.get(fid) or f"feature {fid}" for fid in ids]
                feedback.pushWarning(text.format(plural(areas_word, len(ids)), list_labels(labels)))
