"""The Processing provider ``lis``: every LIS tool is one of its algorithms."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..core.common.plugin_files import plugin_version, resource_path
from .accessibility_2sfca_algorithm import Accessibility2sfcaAlgorithm
from .add_to_store_algorithm import AddToStoreAlgorithm
from .aggregate_indicators_algorithm import AggregateIndicatorsAlgorithm
from .composite_index_algorithm import CompositeIndexAlgorithm
from .create_sample_algorithm import CreateSampleDistrictAlgorithm
from .deprivation_map_algorithm import DeprivationMapAlgorithm
from .deprivation_summary_algorithm import DeprivationSummaryAlgorithm
from .export_atlas_algorithm import ExportAtlasAlgorithm
from .export_web_report_algorithm import ExportWebReportAlgorithm
from .indicator_layer_algorithm import IndicatorLayerAlgorithm
from .indicator_statistics_algorithm import IndicatorStatisticsAlgorithm
from .join_indicators_algorithm import JoinIndicatorsAlgorithm
from .load_boundaries_algorithm import LoadBoundariesAlgorithm
from .load_indicators_algorithm import LoadIndicatorsAlgorithm
from .locate_services_algorithm import LocateServicesAlgorithm
from .service_catchments_algorithm import ServiceCatchmentsAlgorithm
from .store_boundaries_algorithm import AddBoundarySetAlgorithm, AddLookupAlgorithm
from .update_store_algorithm import UpdateStoreAlgorithm

PROVIDER_ID = "lis"
PROVIDER_NAME = "Local Information System"


class LisProvider(QgsProcessingProvider):
    """Registers the LIS algorithms with QGIS Processing."""

    def id(self) -> str:
        return PROVIDER_ID

    def name(self) -> str:
        return PROVIDER_NAME

    def longName(self) -> str:
        return f"{PROVIDER_NAME} {plugin_version()}"

    def icon(self) -> QIcon:
        return QIcon(str(resource_path("icons", "lis.svg")))

    def svgIconPath(self) -> str:
        return str(resource_path("icons", "lis.svg"))

    def loadAlgorithms(self) -> None:
        for algorithm in (
            CreateSampleDistrictAlgorithm(),
            JoinIndicatorsAlgorithm(),
            AggregateIndicatorsAlgorithm(),
            DeprivationMapAlgorithm(),
            DeprivationSummaryAlgorithm(),
            CompositeIndexAlgorithm(),
            ServiceCatchmentsAlgorithm(),
            Accessibility2sfcaAlgorithm(),
            ExportAtlasAlgorithm(),
            ExportWebReportAlgorithm(),
            LoadBoundariesAlgorithm(),
            LoadIndicatorsAlgorithm(),
            LocateServicesAlgorithm(),
            IndicatorLayerAlgorithm(),
            AddBoundarySetAlgorithm(),
            AddLookupAlgorithm(),
            AddToStoreAlgorithm(),
            UpdateStoreAlgorithm(),
            IndicatorStatisticsAlgorithm(),
        ):
            self.addAlgorithm(algorithm)
