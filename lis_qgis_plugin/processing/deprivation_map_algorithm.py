"""lis:deprivationmap - national or local deciles, or classes, styled darkest where most deprived.

A thin shell over core.deprivation.deprivation_map: reads the parameters, calls deprivation_map,
pushes its log and turns every input problem into a QgsProcessingException.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.io.layer_codes import layer_label
from .lis_algorithm import LisAlgorithm
from .output_loading import load_on_completion, short_label


def national_n_parameter(name: str, tr: Callable[[str], str]) -> QgsProcessingParameterNumber:
    """NATIONAL_N of the deprivation tools: optional, empty = the edition comes from the LSOA codes."""
    return QgsProcessingParameterNumber(
        name,
        tr("Areas ranked nationally, N (empty: from the LSOA codes; 32,844 IoD2019 / 33,755 IoD2025)"),
        Qgis.ProcessingNumberParameterType.Integer,
        optional=True,
        minValue=1,
    )


def national_n_value(
    algorithm: LisAlgorithm, parameters: dict[str, Any], name: str, context: QgsProcessingContext
) -> int | None:
    """The NATIONAL_N given, or None when it is empty (then the codes decide)."""
    if parameters.get(name) in (None, ""):
        return None
    return algorithm.parameterAsInt(parameters, name, context)


class DeprivationMapAlgorithm(LisAlgorithm):
    """Deciles, quintiles or classes of a deprivation measure, as a styled GeoPackage layer."""

    GROUP_ID = "deprivation"
    GROUP = "Deprivation"  # translated by LisAlgorithm.group()
    INPUT = "INPUT"
    FIELD = "FIELD"
    METHOD = "METHOD"
    CLASSES = "CLASSES"
    POLARITY = "POLARITY"
    NATIONAL_N = "NATIONAL_N"
    BREAKS = "BREAKS"
    RAMP = "RAMP"
    OUTPUT = "OUTPUT"
    QML_OUTPUT = "QML_OUTPUT"

    def name(self) -> str:
        return "deprivationmap"

    def displayName(self) -> str:
        return self.tr("Deprivation map (national or local deciles, classes)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Classifies a deprivation rank or score and writes a NEW GeoPackage layer: every feature, field and "
            "geometry, plus a class field (FIELD_class, 1 = most deprived) and a label field. Its style, stored "
            "in the GeoPackage as the default and written to a .qml file, colours the most deprived class darkest "
            "whatever the polarity, with a colour-blind-safe ramp.\n\n"
            "National deciles/quintiles from rank: rank 1 = most deprived; the decile is ceil(rank x 10 / N) as "
            "published, with N the number of LSOAs of the edition (32,844 in IoD2019, 33,755 in IoD2025). Empty "
            "NATIONAL_N: the edition comes from the LSOA codes: a 2011 code retired in 2021 means IoD2019, a code "
            "created in 2021 (E01033769 and above) or a rank above 32,844 means IoD2025. When the codes cannot "
            "tell (no LSOA codes, only codes common to both, or both kinds) the map is refused: set NATIONAL_N. "
            "A NATIONAL_N given always wins; ranks above it are refused. The log says the edition, N and why.\n"
            "Local deciles/quintiles: the areas re-ranked within this layer, most deprived first, equal values in "
            "feature order; group sizes differ by at most one.\n"
            "Generic methods (quantile, equal interval, Jenks, standard deviation, pretty, manual) use CLASSES "
            "(manual: BREAKS, e.g. '10, 20, 30'); class 1 is the most deprived end, set by POLARITY. Jenks is "
            "computed on every value (up to 3,000 values; above, on 3,000 evenly spread sorted values), so it gives "
            "the same breaks on every run, unlike QGIS's random sample.\n\n"
            "The log lists the number of areas in each class. Inputs are never modified."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        from ..core.deprivation.classification import METHODS, POLARITIES
        from ..core.deprivation.deprivation_style import RAMPS

        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT,
                self.tr("Areas (LSOAs, with a deprivation rank or score)"),
                [Qgis.ProcessingSourceType.VectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELD,
                self.tr("Rank or score field"),
                parentLayerParameterName=self.INPUT,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.METHOD, self.tr("Method"), [self.tr(label) for label in METHODS.values()], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CLASSES,
                self.tr("Number of classes (generic methods)"),
                Qgis.ProcessingNumberParameterType.Integer,
                defaultValue=5,
                minValue=3,
                maxValue=10,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.POLARITY,
                self.tr("Polarity (local and generic methods)"),
                [self.tr(label) for label in POLARITIES.values()],
                defaultValue=0,
            )
        )
        self.addParameter(national_n_parameter(self.NATIONAL_N, self.tr))
        self.addParameter(
            QgsProcessingParameterString(
                self.BREAKS, self.tr("Manual breaks, e.g. 10, 20, 30 (manual method)"), optional=True
            )
        )
        self.addParameter(QgsProcessingParameterEnum(self.RAMP, self.tr("Colour ramp"), list(RAMPS), defaultValue=0))
        output = QgsProcessingParameterVectorDestination(
            self.OUTPUT, self.tr("Deprivation map (GeoPackage)"), Qgis.ProcessingSourceType.VectorPolygon
        )
        output.setSupportsNonFileBasedOutput(False)
        self.addParameter(output)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.QML_OUTPUT,
                self.tr("Style file (empty: <layer>.qml beside the GeoPackage)"),
                "QGIS style files (*.qml)",
                optional=True,
                createByDefault=False,
            )
        )
        self.addOutput(QgsProcessingOutputFile("QML", self.tr("Style file written")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.deprivation.classification import METHODS, POLARITIES
        from ..core.deprivation.deprivation_map import deprivation_map
        from ..core.deprivation.deprivation_style import RAMPS

        layer = self.input_layer(parameters, self.INPUT, context)
        planned = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        qml = self.parameterAsFileOutput(parameters, self.QML_OUTPUT, context)
        outcome = deprivation_map(
            layer,
            self.parameterAsString(parameters, self.FIELD, context),
            list(METHODS)[self.parameterAsEnum(parameters, self.METHOD, context)],
            self.gpkg_output(parameters, self.OUTPUT, context),
            classes=self.parameterAsInt(parameters, self.CLASSES, context),
            polarity=list(POLARITIES)[self.parameterAsEnum(parameters, self.POLARITY, context)],
            national_n=national_n_value(self, parameters, self.NATIONAL_N, context),
            breaks=self.parameterAsString(parameters, self.BREAKS, context),
            ramp_name=list(RAMPS)[self.parameterAsEnum(parameters, self.RAMP, context)],
            qml=Path(qml) if qml else None,
            feedback=feedback,
        )
        self.push_log(feedback, outcome.log)
        method = list(METHODS)[self.parameterAsEnum(parameters, self.METHOD, context)]
        what = self.tr("{0} – {1}: {2}").format(
            short_label(layer_label(layer)),
            self.parameterAsString(parameters, self.FIELD, context),
            method.replace("_", " "),
        )
        load_on_completion(context, outcome.uri, outcome.layer_name, replaces=planned, what=what)
        return {self.OUTPUT: outcome.uri, self.QML_OUTPUT: str(outcome.qml), "QML": str(outcome.qml)}
