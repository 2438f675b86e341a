"""lis:loadindicators - indicator tables from Fingertips, Nomis or any URL (a thin shell over the core sources)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFileDestination,
    QgsProcessingUtils,
)

from .online_parameters import (
    ONLINE_SOURCES,
    REFRESH,
    SOURCE,
    OnlineSourceAlgorithm,
    add_download_parameters,
    add_query_parameters,
    add_source_parameter,
    read_online_query,
)


class LoadIndicatorsAlgorithm(OnlineSourceAlgorithm):
    """Download an indicator table to a file that lis:joinindicators reads."""

    GROUP_ID = "online"
    GROUP = "Online sources"  # translated by LisAlgorithm.group()
    OUTPUT = "OUTPUT"
    ROWS = "ROWS"
    SOURCE_URL = "SOURCE_URL"

    def name(self) -> str:
        return "loadindicators"

    def displayName(self) -> str:
        return self.tr("Load indicators (Fingertips, Nomis or a URL)")

    def shortHelpString(self) -> str:
        from ..core.sources.fingertips import AREA_TYPES, FINGERTIPS_BASE_URL
        from ..core.sources.nomis import NOMIS_BASE_URL

        types = "; ".join(f"{number} {name}" for number, (name, _) in AREA_TYPES.items())
        return self.tr(
            "Downloads an indicator table and saves it as a file that 'Join indicators to boundaries' reads as its "
            "TABLE (chain them in the model designer).\n\n"
            "SOURCE 0, Fingertips (OHID, {0}): IDS are indicator ids (93553, 90366), AREA_TYPE the child area type "
            "id ({1}), PARENT_CODE the parent area (e.g. E06000017; its area type is found from the code, or give "
            "PARENT_AREA_TYPE). The CSV keeps the value, the 95% and 99.8% confidence limits, count, denominator and "
            "time period of every row; the join takes the latest period.\n\n"
            "SOURCE 1, Nomis ({2}): IDS is the dataset id (NM_144_1), AREA_TYPE the Nomis geography (TYPE151 LSOA "
            "2021, TYPE152 MSOA 2021, TYPE298 LSOA 2011...), PARENT_CODE an optional Nomis geography id the areas lie "
            "in, QUERY more options (measures=20100&c_sex=0). Guests get 25,000 rows per call, so LIS pages with "
            "RecordOffset; a registered user's uid is read from AUTH_CONFIG (a QGIS authentication configuration "
            "holding it as its password), never from plain settings.\n\n"
            "SOURCE 2, URL: IDS is the address of a CSV, XLSX or GeoJSON file; a web page (e.g. a sign-in page) is "
            "an error.\n\nDownloads are cached (see 'Load boundaries'); REFRESH downloads again. BASE_URL points a "
            "source at a mirror. A download cut short (a CSV ending inside a quoted field or mid-row, a gzip answer "
            "without its end, broken JSON) is refused and leaves nothing in the cache or at OUTPUT; downloads have "
            "the deadline, largest size and redirect limit described in 'Load boundaries'."
        ).format(FINGERTIPS_BASE_URL, types, NOMIS_BASE_URL)

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_source_parameter(self)
        add_query_parameters(self)
        add_download_parameters(self)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT,
                self.tr("Indicator table"),
                "CSV files (*.csv);;Excel workbooks (*.xlsx);;GeoJSON (*.geojson)",
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.ROWS, self.tr("Rows saved")))
        self.addOutput(QgsProcessingOutputString(self.SOURCE_URL, self.tr("Address the table came from")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        source = ONLINE_SOURCES[self.parameterAsEnum(parameters, SOURCE, context)]
        query = read_online_query(self, parameters, context, source)
        output = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        if source == "url" and Path(output).parent == Path(QgsProcessingUtils.tempFolder()):
            output = output.with_suffix("")  # a temporary output takes the suffix of what is downloaded
        refresh = self.parameterAsBoolean(parameters, REFRESH, context)
        # The store's downloader, with the network, cache and mirror settings read here: the core reads none.
        outcome = self.online_fetcher(feedback).download_to(query, output, refresh)
        self.push_log(feedback, outcome.log)
        return {self.OUTPUT: str(outcome.path), self.ROWS: outcome.rows, self.SOURCE_URL: outcome.source_url}
