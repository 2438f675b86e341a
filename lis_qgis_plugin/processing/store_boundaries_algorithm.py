"""lis:addboundaryset and lis:addlookup - boundaries and code lookups into the indicator store (thin shells)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from .lis_algorithm import LisAlgorithm
from .store_parameters import STORE, add_store_parameter, store_location
from .target_parameters import TABLE_FILTER


class AddBoundarySetAlgorithm(LisAlgorithm):
    """Keep a boundary layer in the store under a name, with its geography and vintage."""

    GROUP_ID = "indicators"
    GROUP = "Indicators"  # translated by LisAlgorithm.group()
    BOUNDARIES = "BOUNDARIES"
    NAME = "NAME"
    GEOGRAPHY = "GEOGRAPHY"
    VINTAGE = "VINTAGE"
    CODE_FIELD = "CODE_FIELD"
    FEATURES = "FEATURES"
    TABLE = "TABLE"

    def name(self) -> str:
        return "addboundaryset"

    def displayName(self) -> str:
        return self.tr("Add a boundary set to the store")

    def shortHelpString(self) -> str:
        return self.tr(
            "Copies a polygon layer (features, fields and geometries) into the indicator store as a named boundary "
            "set, e.g. 'LSOA 2021', with its geography and vintage: a layer of the store's GeoPackage, or a table "
            "in the PostGIS store's schema. 'Indicator layer from the store' then joins indicators onto it by "
            "name. Geography and vintage are read from the codes and the code field's name (LSOA21CD) unless "
            "given. Adding a set of the same name again replaces it. The input layer is only read."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_store_parameter(self)
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.BOUNDARIES, self.tr("Boundaries (polygon layer)"), [Qgis.ProcessingSourceType.VectorPolygon]
            )
        )
        self.addParameter(QgsProcessingParameterString(self.NAME, self.tr("Name of the set (e.g. LSOA 2021)")))
        self.addParameter(
            QgsProcessingParameterString(
                self.GEOGRAPHY, self.tr("Geography (e.g. LSOA, ward; empty: from the codes)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.VINTAGE, self.tr("Vintage (e.g. 2021; empty: from the code field)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD,
                self.tr("Code field (empty: find it)"),
                parentLayerParameterName=self.BOUNDARIES,
                type=Qgis.ProcessingFieldParameterDataType.String,
                optional=True,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.FEATURES, self.tr("Boundaries stored")))
        self.addOutput(QgsProcessingOutputString(self.TABLE, self.tr("Layer of the store holding them")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.store.store_boundaries import add_boundary_set

        entry = add_boundary_set(
            store_location(self.parameterAsString(parameters, STORE, context)),
            self.input_layer(parameters, self.BOUNDARIES, context),
            self.parameterAsString(parameters, self.NAME, context),
            geography=self.parameterAsString(parameters, self.GEOGRAPHY, context),
            vintage=self.parameterAsString(parameters, self.VINTAGE, context),
            code_field=self.optional_text(parameters, self.CODE_FIELD, context),
            feedback=feedback,
        )
        feedback.pushInfo(
            self.tr("Boundary set '{0}': {1} {2} {3} areas (codes in {4}), stored as {5}.").format(
                entry.name, entry.feature_count, entry.geography, entry.vintage, entry.code_field, entry.table_name
            )
        )
        return {self.FEATURES: entry.feature_count, self.TABLE: entry.table_name}


class AddLookupAlgorithm(LisAlgorithm):
    """Keep a code lookup (from one geography and vintage to another) in the store."""

    GROUP_ID = "indicators"
    GROUP = "Indicators"  # translated by LisAlgorithm.group()
    LOOKUP = "LOOKUP"
    SHEET = "SHEET"
    FROM_GEOGRAPHY = "FROM_GEOGRAPHY"
    FROM_VINTAGE = "FROM_VINTAGE"
    TO_GEOGRAPHY = "TO_GEOGRAPHY"
    TO_VINTAGE = "TO_VINTAGE"
    FROM_FIELD = "FROM_FIELD"
    TO_FIELD = "TO_FIELD"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    KIND = "KIND"
    PAIRS = "PAIRS"
    #: KIND's choices: '' lets the file name decide.
    KINDS = ("", "exact", "best-fit")

    def name(self) -> str:
        return "addlookup"

    def displayName(self) -> str:
        return self.tr("Add a code lookup to the store")

    def shortHelpString(self) -> str:
        return self.tr(
            "Puts a lookup table (CSV, XLSX, ODS) of area codes into the indicator store: from one geography and "
            "vintage to another, such as LSOA 2011 to LSOA 2021 or LSOA 2011 to ward 2025, exact or best-fit. "
            "'Indicator layer from the store' uses it to place indicators published for one set of areas onto "
            "boundaries of the other, with the conversion and report of 'Join indicators to boundaries'.\n\n"
            "The two code columns are the leftmost ones whose codes and names fit the geographies and vintages "
            "given (LSOA11CD, LSOA21CD), unless named. Adding a lookup between the same two editions again "
            "replaces it. The file is only read."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_store_parameter(self)
        lookup = QgsProcessingParameterFile(self.LOOKUP, self.tr("Lookup table (e.g. LSOA11CD to LSOA21CD)"))
        lookup.setFileFilter(TABLE_FILTER)
        self.addParameter(lookup)
        self.addParameter(
            QgsProcessingParameterString(self.SHEET, self.tr("Sheet (workbooks; empty: first)"), optional=True)
        )
        for name, label in (
            (self.FROM_GEOGRAPHY, self.tr("From geography (e.g. LSOA; empty: from the codes)")),
            (self.FROM_VINTAGE, self.tr("From vintage (e.g. 2011; empty: from the column name)")),
            (self.TO_GEOGRAPHY, self.tr("To geography (e.g. LSOA, ward; empty: from the codes)")),
            (self.TO_VINTAGE, self.tr("To vintage (e.g. 2021; empty: from the column name)")),
            (self.FROM_FIELD, self.tr("From code column (empty: find it)")),
            (self.TO_FIELD, self.tr("To code column (empty: find it)")),
            (self.WEIGHT_FIELD, self.tr("Weight column (share of area or population; optional)")),
        ):
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.KIND,
                self.tr("Kind of lookup"),
                [self.tr("From the file name (best-fit when it says so)"), self.tr("Exact"), self.tr("Best-fit")],
                defaultValue=0,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.PAIRS, self.tr("Code pairs stored")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.store.store_lookups import Edition, add_lookup

        def text(name: str) -> str:
            return self.parameterAsString(parameters, name, context).strip()

        stored = add_lookup(
            store_location(text(STORE)),
            Path(self.parameterAsFile(parameters, self.LOOKUP, context)),
            Edition(text(self.FROM_GEOGRAPHY), text(self.FROM_VINTAGE)),
            Edition(text(self.TO_GEOGRAPHY), text(self.TO_VINTAGE)),
            kind=self.KINDS[self.parameterAsEnum(parameters, self.KIND, context)],
            sheet=text(self.SHEET) or None,
            columns=(text(self.FROM_FIELD) or None, text(self.TO_FIELD) or None),
            weight_column=text(self.WEIGHT_FIELD) or None,
        )
        feedback.pushInfo(
            self.tr("Lookup {0} to {1} ({2}): {3} code pairs stored.").format(
                stored.source, stored.target, stored.kind, stored.pairs
            )
        )
        return {self.PAIRS: stored.pairs}
