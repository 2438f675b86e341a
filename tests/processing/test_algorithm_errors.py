"""Every LIS algorithm answers a problem in plain words: user errors as themselves, bugs as one line plus the log."""

from __future__ import annotations

import ast
import gc
import types
from pathlib import Path

import pytest
from qgis.core import Qgis, QgsApplication, QgsMapLayer, QgsProcessingException

import lis_qgis_plugin.core.indicators.join_indicators as join_module  # the algorithm imports it when it runs
from lis_qgis_plugin.core.common.errors import LisError

from ..support import REPO, LogFeedback, file_state, run_join


@pytest.fixture
def rutland_lsoa(shared_data: Path) -> Path:
    return shared_data / "rutland" / "boundaries" / "rutland_lsoa21.geojson"


@pytest.fixture
def lis_log() -> list[tuple[str, str, Qgis.MessageLevel]]:
    """What LIS writes to the QGIS log (View > Panels > Log Messages) while a test runs."""
    received: list[tuple[str, str, Qgis.MessageLevel]] = []

    def keep(message: str, tag: str, level: Qgis.MessageLevel) -> None:
        received.append((message, tag, level))

    log = QgsApplication.messageLog()
    log.messageReceived.connect(keep)
    yield received
    log.messageReceived.disconnect(keep)


def test_a_bug_is_one_plain_line_and_its_traceback_goes_to_the_log(
    lis_plugin: object,
    rutland_lsoa: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lis_log: list[tuple[str, str, Qgis.MessageLevel]],
) -> None:
    """An exception no LIS code expects (here injected into the join's core) never reaches the user raw."""

    def broken_join(*args: object, **kwargs: object) -> None:
        raise KeyError("injected failure")

    monkeypatch.setattr(join_module, "join_indicators", broken_join)
    table = tmp_path / "table.csv"
    table.write_text("LSOA21CD,value\nE01013793,1\n", encoding="utf-8")
    output = tmp_path / "joined.gpkg"
    with pytest.raises(QgsProcessingException) as raised:
        run_join(BOUNDARIES=str(rutland_lsoa), TABLE=str(table), OUTPUT=str(output))
    message = str(raised.value)
    assert message == (
        "LIS hit an internal error in 'Join indicators to boundaries' (KeyError: 'injected failure'). The details "
        "are in the QGIS log (View > Panels > Log Messages, tab 'LIS'); please report them to the LIS developers."
    )
    assert "Traceback" not in message
    logged = [(text, level) for text, tag, level in lis_log if tag == "LIS"]
    assert len(logged) == 1
    text, level = logged[0]
    assert level == Qgis.MessageLevel.Critical
    assert text.startswith("Join indicators to boundaries (lis:joinindicators) failed:\nTraceback")
    assert "in broken_join" in text and "KeyError: 'injected failure'" in text
    assert not output.exists()


def test_a_lis_error_is_shown_as_it_is_written(
    lis_plugin: object, rutland_lsoa: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any LisError subclass, even one no algorithm lists, reaches the user as its own words, not as a bug."""

    class NewKindOfProblemError(LisError):
        pass

    def refusing_join(*args: object, **kwargs: object) -> None:
        raise NewKindOfProblemError("table.csv, row 3: the code 'X' is not an ONS code. Correct the row.")

    monkeypatch.setattr(join_module, "join_indicators", refusing_join)
    table = tmp_path / "table.csv"
    table.write_text("LSOA21CD,value\nE01013793,1\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException) as raised:
        run_join(BOUNDARIES=str(rutland_lsoa), TABLE=str(table), OUTPUT=str(tmp_path / "joined.gpkg"))
    assert str(raised.value) == "table.csv, row 3: the code 'X' is not an ONS code. Correct the row."


def test_a_never_closed_quote_names_the_file_and_line(lis_plugin: object, rutland_lsoa: Path, tmp_path: Path) -> None:
    """The 300 KB cell that once surfaced as '_csv.Error: field larger than field limit'."""
    table = tmp_path / "notes.csv"
    rows = ["LSOA21CD,value,note", "E01013793,1,fine", 'E01013794,2,"this quote is never closed']
    rows += [f"E0101{n:04d},{n},more text {'x' * 3000}" for n in range(100)]  # about 300 KB after the quote
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = table.read_bytes()
    output = tmp_path / "joined.gpkg"
    with pytest.raises(QgsProcessingException) as raised:
        run_join(BOUNDARIES=str(rutland_lsoa), TABLE=str(table), OUTPUT=str(output))
    message = str(raised.value)
    assert message.startswith("notes.csv, line ")
    assert "field larger than field limit" in message and 'a quote (") opens a cell and is never closed' in message
    assert "internal error" not in message
    assert not output.exists() and table.read_bytes() == before


def test_a_refused_run_leaves_no_layer_in_the_exception_qgis_keeps(
    lis_plugin: object, rutland_lsoa: Path, tmp_path: Path
) -> None:
    """QGIS never releases a QgsProcessingException raised by a Python algorithm, nor the frames on its traceback.

    So LIS raises it from a frame that holds no layer, and no frame of a tool's own work outlives the run: a layer
    kept that way would be freed after QGIS has exited and crash the process. Both kinds of refusal are tried,
    one from the core (a LisError) and one from reading the inputs (a QgsProcessingException).
    """
    table = tmp_path / "table.csv"
    table.write_text("name,value\nsomewhere,1\n", encoding="utf-8")  # no column of area codes
    with pytest.raises(QgsProcessingException, match="table.csv"):
        run_join(BOUNDARIES=str(rutland_lsoa), TABLE=str(table), OUTPUT=str(tmp_path / "joined.gpkg"))
    with pytest.raises(QgsProcessingException, match="nowhere.csv: no such file"):
        run_join(BOUNDARIES=str(rutland_lsoa), TABLE=str(tmp_path / "nowhere.csv"), OUTPUT=str(tmp_path / "j.gpkg"))
    gc.collect()
    kept = [
        frame
        for frame in gc.get_objects()
        if isinstance(frame, types.FrameType) and "lis_qgis_plugin" in frame.f_code.co_filename
    ]
    assert kept, "QGIS no longer keeps the exception: drop the os._exit in tests/conftest.py (see its docstring)"
    assert {(Path(frame.f_code.co_filename).name, frame.f_code.co_name) for frame in kept} == {
        ("lis_algorithm.py", "processAlgorithm")
    }
    assert not [name for frame in kept for name, value in frame.f_locals.items() if isinstance(value, QgsMapLayer)]


def test_every_user_error_class_is_a_lis_error() -> None:
    """Each *Error class the plugin defines derives from LisError, so processAlgorithm's one handler catches it."""
    outside = {"LisError", "CancelledError", "_RetryableError"}  # the base, cancel, and an internal retry signal
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / "lis_qgis_plugin").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Error") and node.name not in outside:
                found[node.name] = [ast.unparse(base) for base in node.bases]
    assert len(found) >= 18
    lis_errors = {"LisError"}
    for _ in found:  # a class may derive from another LIS error defined later in the walk
        lis_errors |= {name for name, bases in found.items() if set(bases) & lis_errors}
    assert sorted(set(found) - lis_errors) == []


# --- outputs that cannot be written are refused before any work, by name -----------------------------------------


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in: a chmod'ed one, or (as root, whom chmod does not stop) sysfs."""
    folder = tmp_path / "read_only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except OSError:
        return folder
    (folder / "probe").unlink()
    return Path("/sys/kernel")  # root writes through chmod; sysfs refuses any new file, even root's


@pytest.mark.parametrize("case", ["parent is a file", "read-only folder", "proc", "a folder", "the input"])
def test_a_geopackage_output_that_cannot_be_written_is_refused_first(
    lis_plugin: object, rutland_lsoa: Path, tmp_path: Path, case: str
) -> None:
    """lis:joinindicators and lis:aggregateindicators: the shared output check names the file before any work."""
    import processing

    boundaries = tmp_path / "lsoa.gpkg"
    processing.run("native:savefeatures", {"INPUT": str(rutland_lsoa), "OUTPUT": str(boundaries)})
    table = tmp_path / "imd.csv"
    table.write_bytes((rutland_lsoa.parent.parent / "deprivation" / "rutland_imd2025_lsoa21.csv").read_bytes())
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    outputs = {
        "parent is a file": (
            blocker / "out" / "joined.gpkg",
            f"cannot be written: '{blocker}' is a file, not a folder",
        ),
        "read-only folder": (unwritable_folder(tmp_path) / "joined.gpkg", "cannot be written: "),
        "proc": (Path("/proc/lis_joined.gpkg"), "cannot be written: "),
        "a folder": (tmp_path / "folder.gpkg", "this is a folder, not a file"),
        "the input": (boundaries, "LIS never writes into its inputs"),
    }
    output, expected = outputs[case]
    if case == "a folder":
        output.mkdir()
    before = file_state(boundaries, table, blocker)
    runs = {
        "lis:joinindicators": {"BOUNDARIES": str(boundaries), "TABLE": str(table), "OUTPUT": str(output)},
        "lis:aggregateindicators": {"INPUT": str(boundaries), "TARGET": str(boundaries), "FIELDS_SUM": ["fid"],
                                    "OUTPUT": str(output)},
    }  # fmt: skip
    for algorithm, parameters in runs.items():
        feedback = LogFeedback()
        with pytest.raises(QgsProcessingException) as raised:
            processing.run(algorithm, parameters, feedback=feedback)
        message = str(raised.value)
        assert expected in message and output.name in message, (algorithm, message)
        assert "Traceback" not in message and "internal error" not in message
        if case != "the input":
            assert message.startswith(f"{output}: "), message
            assert feedback.progress() == 0  # nothing computed before the refusal
    assert file_state(boundaries, table, blocker) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["lsoa.gpkg", "imd.csv", "notes.txt", *(["read_only"] if (tmp_path / "read_only").exists() else []),
         *(["folder.gpkg"] if case == "a folder" else [])]
    )  # fmt: skip


def test_a_join_report_that_cannot_be_written_is_refused_before_the_join(
    lis_plugin: object, rutland_lsoa: Path, tmp_path: Path
) -> None:
    """REPORT under a file, or the table itself: named before anything is joined or written."""
    table = tmp_path / "imd.csv"
    table.write_bytes((rutland_lsoa.parent.parent / "deprivation" / "rutland_imd2025_lsoa21.csv").read_bytes())
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    before = file_state(table, blocker)
    for report, expected in (
        (blocker / "report.html", f"{blocker / 'report.html'}: cannot be written: '{blocker}' is a file, not a folder"),
        (table, f"{table}: this file is one of the inputs. LIS never writes into its inputs"),
    ):
        with pytest.raises(QgsProcessingException) as raised:
            run_join(BOUNDARIES=str(rutland_lsoa), TABLE=str(table), OUTPUT=str(tmp_path / "joined.gpkg"),
                     REPORT=str(report))  # fmt: skip
        assert str(raised.value).startswith(expected), str(raised.value)
    assert file_state(table, blocker) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["imd.csv", "notes.txt"]


def test_a_sample_folder_in_a_read_only_place_is_refused_before_generating(lis_plugin: object, tmp_path: Path) -> None:
    """lis:createsample: an unwritable OUTPUT_FOLDER is named before the district is generated (no progress)."""
    import processing

    folder = unwritable_folder(tmp_path) / "lisford"
    feedback = LogFeedback()
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("lis:createsample", {"OUTPUT_FOLDER": str(folder)}, feedback=feedback)
    message = str(raised.value)
    assert message.startswith(f"Cannot write the sample into {folder}: ") and "Permission denied" in message
    assert message.endswith("Choose a folder you can write to.")
    assert feedback.lines == [] and feedback.progress() == 0
    assert not folder.exists()
