"""Copy boundaries into a new GeoPackage while the indicator table is still being read.

Writing every feature and geometry is most of a join's time, and it does not depend on
the table. QGIS's C++ writer releases Python's GIL, so a worker thread copies the layer
while the main thread reads, checks and matches the table; the new fields are then
added and filled with SQL in one transaction. The copy goes to a side file that only
becomes the output once it is complete, so a failed or cancelled join leaves nothing.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from qgis.core import QgsCoordinateTransformContext, QgsFeedback, QgsVectorFileWriter, QgsVectorLayer

from .layer_output import NewField, OutputError, gpkg_options

_SQL_TYPES = {"integer": "INTEGER", "real": "REAL", "text": "TEXT"}
#: Functions GDAL's GeoPackage R-tree triggers name. Updating attributes never runs them (the
#: triggers fire on geometry or fid changes), but SQLite needs them to exist to prepare an UPDATE.
_TRIGGER_FUNCTIONS = ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class BackgroundCopy:
    """A copy of ``source`` being written to ``path`` (which must not exist yet) in a worker thread."""

    def __init__(self, source: QgsVectorLayer, path: Path, layer_name: str, feedback: QgsFeedback | None) -> None:
        self.path = Path(path)
        self.layer_name = layer_name
        self.partial = self.path.with_name(f"{self.path.stem}.partial{self.path.suffix}")
        self._discard_files()
        self._feedback = feedback
        self._layer = source.clone()  # the worker reads its own layer object, never the user's
        options = gpkg_options(self.partial, layer_name)
        options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
        if feedback is not None:
            options.feedback = feedback
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._future: Future = self._pool.submit(
            QgsVectorFileWriter.writeAsVectorFormatV3,
            self._layer,
            str(self.partial),
            QgsCoordinateTransformContext(),
            options,
        )

    def _wait(self) -> None:
        try:
            error, message, _, _ = self._future.result()
        finally:
            self._release()
        if self._feedback is not None and self._feedback.isCanceled():
            self._discard_files()
            raise OutputError(f"{self.path}: cancelled; nothing was written.")
        if error != QgsVectorFileWriter.WriterError.NoError:
            self._discard_files()
            raise OutputError(f"{self.path}: cannot write layer '{self.layer_name}' ({message}).")

    def discard(self) -> None:
        """Wait for the worker and delete the side file: the join did not go ahead."""
        with contextlib.suppress(Exception):  # the copy is thrown away, whatever went wrong with it
            self._future.result()
        self._release()
        self._discard_files()

    def _release(self) -> None:
        """Stop the worker and drop the cloned layer now, not whenever Python collects this object.

        A layer that outlives QGIS (kept alive by a traceback, say) crashes the interpreter at exit.
        """
        self._pool.shutdown(wait=True)
        self._layer = None

    def _discard_files(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.partial}{suffix}").unlink(missing_ok=True)

    def finish(
        self, key_field: str, new_fields: Sequence[NewField], values_by_text: Mapping[str, Sequence[object]]
    ) -> str:
        """Add ``new_fields``, fill them by the text of ``key_field``, and move the copy into place.

        The values go into an in-memory table while the copy may still be running; the copy is
        then attached and updated from it in one statement.
        """
        table = f"out.{_quoted(self.layer_name)}"
        columns = ", ".join(_quoted(new.name) for new in new_fields)
        connection = sqlite3.connect(":memory:")
        try:
            connection.execute(f"CREATE TABLE lis_values (lis_key TEXT PRIMARY KEY, {columns})")
            marks = ", ".join("?" * (len(new_fields) + 1))
            rows = ((key, *values) for key, values in values_by_text.items())
            connection.executemany(f"INSERT INTO lis_values VALUES ({marks})", rows)
            connection.commit()  # ATTACH and PRAGMA refuse to run inside a transaction
            self._wait()
            connection.execute("ATTACH DATABASE ? AS out", (str(self.partial),))
            # A scratch file until it is moved into place: no need to sync it to disk step by step.
            connection.execute("PRAGMA out.synchronous = OFF")
            connection.execute("PRAGMA out.journal_mode = MEMORY")
            for name in _TRIGGER_FUNCTIONS:
                connection.create_function(name, 1, lambda _geometry: None)
            with connection:
                for new in new_fields:
                    connection.execute(f"ALTER TABLE {table} ADD COLUMN {_quoted(new.name)} {_SQL_TYPES[new.kind]}")
                assignments = ", ".join(f"{_quoted(new.name)} = lis_values.{_quoted(new.name)}" for new in new_fields)
                key = f"{_quoted(self.layer_name)}.{_quoted(key_field)}"
                connection.execute(f"UPDATE {table} SET {assignments} FROM lis_values WHERE lis_values.lis_key = {key}")
            connection.execute("DETACH DATABASE out")
        except sqlite3.Error as error:
            self._discard_files()
            raise OutputError(f"{self.path}: cannot add the indicator fields ({error}).") from error
        finally:
            connection.close()
        self.partial.replace(self.path)
        return f"{self.path}|layername={self.layer_name}"
