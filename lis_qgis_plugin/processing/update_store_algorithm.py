"""lis:updatestore - every indicator of the store read from its source again, and what changed (core/store)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)

from .online_parameters import OnlineSourceAlgorithm, add_auth_config_parameter
from .store_parameters import STORE, add_store_parameter, store_location


class UpdateStoreAlgorithm(OnlineSourceAlgorithm):
    """Fetch the online indicators again (and files that changed), then report what changed, from the store."""

    GROUP_ID = "store"
    GROUP = "Indicator store"  # translated by LisAlgorithm.group()
    INDICATORS = "INDICATORS"
    REPORT = "REPORT"
    CHANGED = "CHANGED"
    REVISED = "REVISED"

    def name(self) -> str:
        return "updatestore"

    def displayName(self) -> str:
        return self.tr("Update the indicator store")

    def shortHelpString(self) -> str:
        return self.tr(
            "Reads every indicator of the store from its source again: online indicators (Fingertips, Nomis, a web "
            "address) are downloaded again, past the cache; files are read again when their content changed. Then "
            "the stored values before and after are compared, and the REPORT lists per indicator the new periods, "
            "the revised values (how many, with examples: area, period, old -> new) and what is unchanged.\n\n"
            "INDICATORS limits the update to some ids (comma-separated; empty: all). Every source is read before "
            "anything is written: when one fails, the store is left as it was and the message names the source."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_store_parameter(self)
        self.addParameter(
            QgsProcessingParameterString(
                self.INDICATORS, self.tr("Indicator ids to update, comma-separated (empty: all)"), optional=True
            )
        )
        add_auth_config_parameter(self)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REPORT, self.tr("Report (HTML)"), "HTML files (*.html)", optional=True, createByDefault=False
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.CHANGED, self.tr("Indicators changed")))
        self.addOutput(QgsProcessingOutputNumber(self.REVISED, self.tr("Values revised")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.store.store_changes import source_reloader, update_store
        from ..core.store.store_location import store_label
        from ..core.store.store_report import UpdateReport
        from ..settings import suppressed_markers

        store = store_location(self.parameterAsString(parameters, STORE, context))
        ids = [
            part for part in re.split(r"[,\s]+", self.parameterAsString(parameters, self.INDICATORS, context)) if part
        ]
        report_path = (
            self.parameterAsFileOutput(parameters, self.REPORT, context) if parameters.get(self.REPORT) else ""
        )
        fetcher = self.online_fetcher(feedback)
        with tempfile.TemporaryDirectory(dir=QgsProcessingUtils.tempFolder()) as folder:
            changes = update_store(store, source_reloader(fetcher, Path(folder), suppressed_markers()), ids, feedback)
        report = UpdateReport(store_label(store), changes)
        self.push_log(feedback, report.log_lines())
        if report_path:
            report.write_html(Path(report_path))
        return {
            self.CHANGED: len(report.changed),
            self.REVISED: sum(len(change.revised) for change in changes),
            self.REPORT: report_path or None,
        }
