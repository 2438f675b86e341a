"""Run LIS Processing algorithms from the panel: in a background task, with progress, cancel and plain-word errors.

Every run goes through Processing exactly as the toolbox runs it: a QgsProcessingContext on
the current project, a QgsProcessingFeedback, and a QgsProcessingAlgRunnerTask in QGIS's task
manager (algorithms flagged FlagNoThreading, such as layout exports, run on the main thread as
QGIS's own dialog runs them, with the events processed so Cancel still works). When the task
ends, on the main thread, the GeoPackage outputs join the project's "LIS" group, named as a toolbox run names
them (processing.output_loading). Errors go to
the message bar in the algorithm's words and the whole log to the "LIS" tab of the log panel;
a failed or cancelled run removes the files it had started, so no half-written layer is left.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMapLayer,
    QgsMessageLog,
    QgsProcessingAlgorithm,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
)
from qgis.PyQt.QtCore import QCoreApplication, QObject, QTimer, pyqtSignal, pyqtSlot

from .result_layers import LOG_TAG, add_result_layers

SIDE_FILES = ("", "-wal", "-shm", "-journal")
LAYER_DESTINATIONS = ("vectorDestination", "sink", "rasterDestination")


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("AlgorithmRunner", text)


class RunFeedback(QgsProcessingFeedback):
    """A Processing feedback that keeps the log lines and the errors reported (thread-safe appends)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.errors: list[str] = []

    def pushInfo(self, info: str) -> None:
        self.lines.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning: str) -> None:
        self.lines.append(tr("Warning: {0}").format(warning))
        super().pushWarning(warning)

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N803 - Qt's name
        self.errors.append(error)
        self.lines.append(tr("Error: {0}").format(error))
        super().reportError(error, fatalError)


class Output(NamedTuple):
    """Where a run writes one output parameter: a file (or folder) of the output folder, or a table of a GeoPackage.

    ``title`` names the output's layer in the project where the algorithm does not say what its result is
    (LIS algorithms do: 'rutland_nhs_services – 5/10/15 min drive catchments'); the time of the run, and a
    number when the name is taken, are added either way ('... (14:32 #2)'). A run that fails or
    is cancelled removes the files it made: ``path`` and the ``side_files`` written beside it (a .qml style,
    a .json report); folders are left.
    """

    path: Path
    title: str = ""
    table: str = ""
    side_files: tuple[Path, ...] = ()

    def value(self) -> str:
        """The parameter's value: the file, or ``file|layername=table``."""
        return f"{self.path}|layername={self.table}" if self.table else str(self.path)

    def files(self) -> tuple[Path, ...]:
        """The files this output writes."""
        return (self.path, *self.side_files)


@dataclass
class RunOutcome:
    """How a run ended: its results, the layers added to the project, the error in plain words and the log."""

    algorithm_id: str
    description: str
    ok: bool
    canceled: bool = False
    results: dict[str, Any] = field(default_factory=dict)
    layers: list[QgsMapLayer] = field(default_factory=list)
    error: str = ""
    log: list[str] = field(default_factory=list)


@dataclass
class _Job:
    algorithm_id: str
    description: str
    algorithm: QgsProcessingAlgorithm
    parameters: dict[str, Any]
    context: QgsProcessingContext
    feedback: RunFeedback
    titles: dict[str, str]
    new_files: list[Path]
    on_done: Callable[[RunOutcome], None] | None
    main_thread: bool
    task: QgsProcessingAlgRunnerTask | None = None


class AlgorithmRunner(QObject):
    """Runs one algorithm at a time and reports it through signals the panel shows."""

    started = pyqtSignal(str)
    progressChanged = pyqtSignal(float)  # noqa: N815 - Qt's naming of signals
    finished = pyqtSignal(object)

    def __init__(self, message_bar: Callable[[], Any] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._message_bar = message_bar
        self._job: _Job | None = None
        self._detached = False

    def is_running(self) -> bool:
        """Whether a run has not finished yet."""
        return self._job is not None

    def run(
        self,
        algorithm_id: str,
        inputs: dict[str, Any],
        description: str,
        on_done: Callable[[RunOutcome], None] | None = None,
        outputs: Mapping[str, Output] | None = None,
    ) -> bool:
        """Start ``algorithm_id`` with ``inputs`` and ``outputs``; ``on_done`` gets the RunOutcome on the main thread.

        Empty inputs take the algorithm's default. Returns False (and says why in the message bar) when the
        run cannot start.
        """
        if self._job is not None:
            self._notify(tr("Another LIS tool is still running: wait for it or cancel it."), Qgis.MessageLevel.Warning)
            return False
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
        if algorithm is None:
            self._notify(
                tr("The tool {0} is not available: enable the LIS plugin's Processing provider.").format(algorithm_id),
                Qgis.MessageLevel.Critical,
            )
            return False
        outputs = dict(outputs or {})
        titles = {name: output.title for name, output in outputs.items() if output.title}
        parameters = {name: value for name, value in inputs.items() if value not in (None, "")}  # empty: default
        parameters.update({name: output.value() for name, output in outputs.items()})
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        feedback = RunFeedback()
        context.setFeedback(feedback)
        self._load_into_project(algorithm, parameters, titles)
        ok, message = algorithm.checkParameterValues(parameters, context)
        if not ok:
            self._log(description, [message], Qgis.MessageLevel.Critical)
            self._notify(message or tr("Check the choices on this page."), Qgis.MessageLevel.Critical, description)
            return False
        new_files = dict.fromkeys(path for output in outputs.values() for path in output.files() if not path.exists())
        job = _Job(
            algorithm_id=algorithm_id,
            description=description,
            algorithm=algorithm,
            parameters=parameters,
            context=context,
            feedback=feedback,
            titles=titles,
            new_files=list(new_files),
            on_done=on_done,
            main_thread=bool(algorithm.flags() & Qgis.ProcessingAlgorithmFlag.NoThreading),
        )
        self._start(job)
        return True

    @staticmethod
    def _load_into_project(
        algorithm: QgsProcessingAlgorithm, parameters: dict[str, Any], titles: dict[str, str]
    ) -> None:
        """As the Processing dialog does: each layer output is to be loaded into this project, under its title."""
        for definition in algorithm.destinationParameterDefinitions():
            value = parameters.get(definition.name())
            if isinstance(value, str) and definition.type() in LAYER_DESTINATIONS:
                output = QgsProcessingOutputLayerDefinition(value, QgsProject.instance())
                output.destinationName = titles.get(definition.name(), "")
                parameters[definition.name()] = output

    def _start(self, job: _Job) -> None:
        self._job = job
        job.feedback.progressChanged.connect(self._on_progress)
        self.started.emit(job.description)
        if job.main_thread:
            QTimer.singleShot(0, partial(self._run_on_main_thread, job))
        else:
            task = QgsProcessingAlgRunnerTask(job.algorithm, job.parameters, job.context, job.feedback)
            task.executed.connect(partial(self._on_executed, job))
            job.task = task
            QgsApplication.taskManager().addTask(task)

    def cancel(self) -> None:
        """Ask the running algorithm to stop at its next check; its partial outputs are then removed."""
        job = self._job
        if job is None:
            return
        if job.task is not None:
            job.task.cancel()
        job.feedback.cancel()

    def detach(self) -> None:
        """Cancel the run and report nothing more (the panel is going away): its partial files are still removed."""
        self._detached = True
        self.cancel()

    @pyqtSlot(float)
    def _on_progress(self, progress: float) -> None:
        if self._detached:
            return
        self.progressChanged.emit(progress)
        job = self._job
        if job is not None and job.main_thread:
            QCoreApplication.processEvents()  # keep QGIS and the Cancel button alive during main-thread runs

    def _run_on_main_thread(self, job: _Job) -> None:
        results: dict[str, Any] = {}
        ok = False
        try:
            results, ok = job.algorithm.run(job.parameters, job.context, job.feedback)
        except Exception as error:  # reported in the message bar and the log, never a traceback dialog
            job.feedback.reportError(str(error))
            job.feedback.lines.append(traceback.format_exc())
        self._on_executed(job, ok, results or {})

    def _on_executed(self, job: _Job, ok: bool, results: dict[str, Any]) -> None:
        job.task = None  # QGIS deletes the task once it has finished
        if self._detached:
            job.context.setLayersToLoadOnCompletion({})
            self._remove_partial_files(job)
            return
        canceled = job.feedback.isCanceled()
        outcome = RunOutcome(job.algorithm_id, job.description, ok and not canceled, canceled, dict(results or {}))
        try:
            if outcome.ok:
                titles = {
                    str(results[name]): title for name, title in job.titles.items() if results.get(name) is not None
                }
                outcome.layers = add_result_layers(job.context, job.feedback, QgsProject.instance(), titles)
            else:
                job.context.setLayersToLoadOnCompletion({})
                self._remove_partial_files(job)
                if canceled:
                    outcome.error = tr("Cancelled: nothing was added to the project.")
                else:
                    outcome.error = (job.feedback.errors[-1] if job.feedback.errors else "") or tr(
                        "The tool stopped without saying why: see the LIS log."
                    )
        except Exception as error:  # shown in plain words; the traceback goes to the log
            outcome.ok = False
            outcome.error = tr("The results could not be added to the project: {0}").format(error)
            job.feedback.lines.append(traceback.format_exc())
        outcome.log = list(job.feedback.lines)
        level = Qgis.MessageLevel.Info if outcome.ok or canceled else Qgis.MessageLevel.Critical
        self._log(job.description, outcome.log + ([outcome.error] if outcome.error else []), level)
        if canceled:
            self._notify(outcome.error, Qgis.MessageLevel.Info, job.description)
        elif not outcome.ok:
            self._notify(outcome.error, Qgis.MessageLevel.Critical, job.description)
        self._job = None
        with contextlib.suppress(TypeError):
            job.feedback.progressChanged.disconnect(self._on_progress)
        if job.on_done is not None:
            try:
                job.on_done(outcome)
            except Exception as error:  # a panel bug must not become a traceback dialog
                self._log(job.description, [traceback.format_exc()], Qgis.MessageLevel.Critical)
                self._notify(str(error), Qgis.MessageLevel.Critical, job.description)
        self.finished.emit(outcome)

    @staticmethod
    def _remove_partial_files(job: _Job) -> None:
        for path in job.new_files:
            for side in SIDE_FILES:
                partial_file = path.with_name(path.name + side)
                try:
                    if partial_file.is_file():
                        partial_file.unlink()
                except OSError as error:
                    job.feedback.lines.append(tr("Could not remove {0}: {1}").format(partial_file, error))

    @staticmethod
    def _log(description: str, lines: list[str], level: Qgis.MessageLevel) -> None:
        text = "\n".join(line for line in lines if line)
        QgsMessageLog.logMessage(f"{description}\n{text}" if text else description, LOG_TAG, level)

    def _notify(self, text: str, level: Qgis.MessageLevel, title: str = "LIS") -> None:
        bar = self._message_bar() if self._message_bar is not None else None
        if bar is None:
            QgsMessageLog.logMessage(text, LOG_TAG, level)
            return
        duration = 0 if level == Qgis.MessageLevel.Critical else 8
        bar.pushMessage(title, text, level, duration)
