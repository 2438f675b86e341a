"""lis:createsample - write the synthetic sample district (a thin shell over core.sample.sample_files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from ..core.io.layer_output import folder_problem
from .lis_algorithm import LisAlgorithm
from .output_loading import load_on_completion


class CreateSampleDistrictAlgorithm(LisAlgorithm):
    """Generate the deterministic synthetic sample district."""

    GROUP_ID = "sampledata"
    GROUP = "Sample data"  # translated by LisAlgorithm.group()
    ICON = "sample.svg"

    SEED = "SEED"
    SMALL_AREAS = "SMALL_AREAS"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    GEOPACKAGE = "GEOPACKAGE"
    IMD_CSV = "IMD_CSV"
    HEALTH_CSV = "HEALTH_CSV"
    HEALTH_XLSX = "HEALTH_XLSX"
    LAYERS = "LAYERS"

    def name(self) -> str:
        return "createsample"

    def displayName(self) -> str:
        return self.tr("Create sample district")

    def shortHelpString(self) -> str:
        return self.tr(
            "Writes 'Lisford', an invented district for learning and testing the LIS tools, into a folder:\n"
            "- lisford_sample.gpkg (EPSG:27700, British National Grid): the district outline, about 12 wards, "
            "about 150 small areas with LSOA-like codes (E01990001 onwards: no real area uses them), population "
            "(total, 0-4, 65+), IMD-like scores, national ranks and deciles for the index and its seven domains, "
            "population-weighted centroids, 25 services of three types with capacities, 10 candidate sites and a "
            "connected road network of several thousand segments (highway class, maxspeed, speed in km/h, oneway, "
            "access).\n"
            '- lisford_imd2019_file1.csv: ranks and deciles shaped like the IoD2019 File 1 (UTF-8 BOM, "29,199").\n'
            "- lisford_health_indicators.csv and .xlsx: health indicators with suppressed values (*) and "
            "thousands separators; the workbook has a title block and a Metadata sheet.\n\n"
            "Ranks are national: the district is drawn inside a simulated England of 32,844 areas, decile 1 is the "
            "most deprived tenth, and the IMD score combines the domain ranks with the official exponential "
            "transform and weights. The same seed always gives the same data."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SEED,
                self.tr("Random seed (same seed, same district)"),
                Qgis.ProcessingNumberParameterType.Integer,
                1,
                False,
                0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SMALL_AREAS,
                self.tr("Number of small areas"),
                Qgis.ProcessingNumberParameterType.Integer,
                150,
                False,
                30,
                600,
            )
        )
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputFile(self.GEOPACKAGE, self.tr("Sample GeoPackage")))
        self.addOutput(QgsProcessingOutputFile(self.IMD_CSV, self.tr("IMD table (CSV, File 1 shape)")))
        self.addOutput(QgsProcessingOutputFile(self.HEALTH_CSV, self.tr("Health indicators (CSV)")))
        self.addOutput(QgsProcessingOutputFile(self.HEALTH_XLSX, self.tr("Health indicators (XLSX)")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.LAYERS, self.tr("Sample layers")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.sample.sample_district import SampleSpec
        from ..core.sample.sample_files import write_sample_district
        from ..core.sample.sample_project import load_sample_layers

        folder = Path(self.parameterAsString(parameters, self.OUTPUT_FOLDER, context))
        problem = folder_problem(folder)
        if problem:  # found before the district is generated, not after
            raise QgsProcessingException(
                self.tr("Cannot write the sample into {0}: {1}. Choose a folder you can write to.")
                .format(folder, problem)
            )  # fmt: skip
        spec = SampleSpec(
            seed=self.parameterAsInt(parameters, self.SEED, context),
            small_areas=self.parameterAsInt(parameters, self.SMALL_AREAS, context),
        )

        def progress(percent: float, message: str) -> None:
            if feedback.isCanceled():
                raise QgsProcessingException(self.tr("Cancelled: no sample was written."))
            feedback.setProgress(percent)
            feedback.pushInfo(message)

        try:
            files = write_sample_district(folder, spec, progress)
        except OSError as error:
            raise QgsProcessingException(
                self.tr("Cannot write the sample into {0}: {1}. Choose a folder you can write to.").format(
                    folder, error
                )
            ) from error
        uris = []
        for layer in load_sample_layers(files.geopackage):
            uris.append(layer.source())
            load_on_completion(context, layer.source(), layer.name(), stamped=False)  # data, named as such
        feedback.pushInfo(self.tr("Wrote {0}").format(", ".join(str(p) for p in files.all_files())))
        return {
            self.OUTPUT_FOLDER: str(files.folder),
            self.GEOPACKAGE: str(files.geopackage),
            self.IMD_CSV: str(files.imd_csv),
            self.HEALTH_CSV: str(files.health_csv),
            self.HEALTH_XLSX: str(files.health_xlsx),
            self.LAYERS: uris,
        }
