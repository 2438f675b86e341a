"""lis:loadboundaries - ONS boundaries for a district or an extent (a thin shell over core.sources.ons_geography)."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from .lis_algorithm import LisAlgorithm
from .output_loading import load_on_completion


class LoadBoundariesAlgorithm(LisAlgorithm):
    """Download statistical or administrative boundaries from the ONS Open Geography Portal."""

    GROUP_ID = "online"
    GROUP = "Online sources"  # translated by LisAlgorithm.group()
    BOUNDARY_SET = "BOUNDARY_SET"
    DISTRICT_CODE = "DISTRICT_CODE"
    EXTENT = "EXTENT"
    SERVICE_URL = "SERVICE_URL"
    BASE_URL = "BASE_URL"
    REFRESH = "REFRESH"
    OUTPUT = "OUTPUT"
    FEATURE_COUNT = "FEATURE_COUNT"
    SOURCE_URL = "SOURCE_URL"

    def name(self) -> str:
        return "loadboundaries"

    def displayName(self) -> str:
        return self.tr("Load boundaries (ONS Open Geography Portal)")

    def shortHelpString(self) -> str:
        from ..core.sources.http_client import DEFAULT_DEADLINE_SECONDS, DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS
        from ..core.sources.ons_geography import BOUNDARY_SETS, ONS_BASE_URL

        sets = "; ".join(f"{number} = {item.label}" for number, item in enumerate(BOUNDARY_SETS))
        return self.tr(
            "Downloads boundaries from the ONS Open Geography Portal (ArcGIS FeatureServer layers) for one district "
            "(its ONS code, e.g. E06000017) or an extent, in British National Grid (EPSG:27700), and writes them to "
            "a GeoPackage with a table 'lis_online_sources' recording the address, the query and the retrieval "
            "date.\n\nBoundary sets (BOUNDARY_SET): {0}.\n\nLSOA and MSOA layers carry no district field: a "
            "district's areas are those whose names start with the district's name (\"Rutland 001A\"); wards are "
            "those whose point on surface lies inside the district outline; district and county layers are "
            "filtered by their code field.\n\nThe service names change with each ONS release: SERVICE_URL (a layer "
            "URL ending in /FeatureServer/0) replaces the catalogue entry, and BASE_URL (default {1}, or the setting "
            "lis/online/onsBaseUrl) points the whole catalogue at a mirror. Downloads page through the layer's "
            "maxRecordCount and must return every counted feature; they are cached in the QGIS profile (setting "
            "lis/online/cacheFolder, reused for lis/online/cacheDays days, 30 by default) unless REFRESH is set; "
            "only a complete download is cached. The proxy and timeout are those of Settings > Options > Network. "
            "Each download must finish within lis/online/downloadDeadline seconds ({2:g} by default, retries "
            "included) and stay under lis/online/maxDownloadMB ({3} MB by default); more than {4} redirects are "
            "refused as a redirect loop."
        ).format(
            sets, ONS_BASE_URL, DEFAULT_DEADLINE_SECONDS, DEFAULT_MAX_BYTES // (1024 * 1024), DEFAULT_MAX_REDIRECTS
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        from ..core.sources.ons_geography import BOUNDARY_SETS

        self.addParameter(
            QgsProcessingParameterEnum(
                self.BOUNDARY_SET,
                self.tr("Boundary set"),
                [self.tr(item.label) for item in BOUNDARY_SETS],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.DISTRICT_CODE, self.tr("District code (e.g. E06000017; empty: use the extent)"), optional=True
            )
        )
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent"), optional=True))
        self.addParameter(
            QgsProcessingParameterString(
                self.SERVICE_URL,
                self.tr("Service URL replacing the catalogue entry (ends in /FeatureServer/0)"),
                optional=True,
            )
        )
        base = QgsProcessingParameterString(
            self.BASE_URL, self.tr("Base URL of the ArcGIS services (a mirror; empty: ONS)"), optional=True
        )
        base.setFlags(base.flags() | Qgis.ProcessingParameterFlag.Advanced)
        self.addParameter(base)
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.REFRESH, self.tr("Download again, ignoring the cache"), defaultValue=False
            )
        )
        output = QgsProcessingParameterVectorDestination(
            self.OUTPUT, self.tr("Boundaries (GeoPackage)"), Qgis.ProcessingSourceType.VectorPolygon
        )
        output.setSupportsNonFileBasedOutput(False)
        self.addParameter(output)
        self.addOutput(QgsProcessingOutputNumber(self.FEATURE_COUNT, self.tr("Features written")))
        self.addOutput(QgsProcessingOutputString(self.SOURCE_URL, self.tr("Layer URL the boundaries came from")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.sources.http_client import HttpClient
        from ..core.sources.ons_geography import BOUNDARY_SETS, load_boundaries
        from ..settings import online_settings

        online = online_settings()  # the network, cache and mirror settings, read here: the core reads none

        planned = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        destination = self.gpkg_output(parameters, self.OUTPUT, context)
        extent = None
        if parameters.get(self.EXTENT) not in (None, ""):
            extent = self.parameterAsExtent(
                parameters, self.EXTENT, context, QgsCoordinateReferenceSystem("EPSG:27700")
            )
        set_key = BOUNDARY_SETS[self.parameterAsEnum(parameters, self.BOUNDARY_SET, context)].key
        client = HttpClient(feedback=feedback, options=online.http)
        outcome = load_boundaries(
            destination,
            set_key,
            district_code=self.parameterAsString(parameters, self.DISTRICT_CODE, context).strip() or None,
            extent=extent,
            service_url=self.parameterAsString(parameters, self.SERVICE_URL, context).strip() or None,
            base_url=self.parameterAsString(parameters, self.BASE_URL, context).strip() or online.ons_base_url,
            refresh=self.parameterAsBoolean(parameters, self.REFRESH, context),
            cache_dir=online.cache_dir,
            client=client,
            feedback=feedback,
            max_age_days=online.max_age_days,
        )
        self.push_log(feedback, outcome.log)
        label = next(item.label for item in BOUNDARY_SETS if item.key == set_key)
        district = self.parameterAsString(parameters, self.DISTRICT_CODE, context).strip()
        what = self.tr("{0} – {1}").format(label, district or self.tr("chosen extent"))
        load_on_completion(context, outcome.uri, outcome.layer_name, replaces=planned, what=what)
        return {
            self.OUTPUT: outcome.uri,
            self.FEATURE_COUNT: outcome.feature_count,
            self.SOURCE_URL: outcome.source_url,
        }
