"""lis:loadboundaries and lis:loadindicators through Processing, against the loopback servers (tests/online_servers.py).

The algorithms read the user's online settings (QGIS's network timeout and proxy, the mirrors
and the download cache under lis/online/) through lis_qgis_plugin.settings and pass them to the
core; these tests run them as the toolbox, a model and qgis_process do.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsVectorLayer,
)

from lis_qgis_plugin import settings as lis_settings
from lis_qgis_plugin.core.sources.http_client import HttpOptions, ProxySettings, auth_config_secret
from lis_qgis_plugin.core.sources.online_cache import default_cache_folder
from lis_qgis_plugin.core.sources.ons_geography import BOUNDARY_SETS

from ..online_servers import (
    IMD_SCORE_INDICATOR,
    LSOA_AREA_TYPE,
    OnlineServers,
    geojson_codes,
    layer_codes,
    qgis_settings,
)
from ..support import LogFeedback, open_layer, run_qgis_process

LSOA21 = "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5"
RUTLAND = "E06000017"


@pytest.fixture
def algorithm_cache(tmp_path: Path) -> Iterator[Path]:
    """Processing runs cache into a temporary folder, not the test profile."""
    folder = tmp_path / "algorithm_cache"
    with qgis_settings({"lis/online/cacheFolder": str(folder)}):
        yield folder


# ------------------------------------------------------------------------------------------ Nomis


@pytest.fixture
def nomis_auth_config() -> Iterator[str]:
    """A QGIS authentication configuration holding a Nomis uid (as a Basic config's password)."""
    manager = QgsApplication.authManager()
    assert manager.setMasterPassword("lis-test-master-password", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("LIS test Nomis uid")
    config.setConfig("username", "nomis")
    config.setConfig("password", "0xLISTESTUID")
    assert manager.storeAuthenticationConfig(config)
    yield config.id()
    manager.removeAuthenticationConfig(config.id())


def test_nomis_uid_comes_from_the_auth_manager_and_stays_secret(
    lis_plugin: object, servers: OnlineServers, nomis_auth_config: str, tmp_path: Path, algorithm_cache: Path
) -> None:
    import processing

    assert auth_config_secret(nomis_auth_config, "Nomis") == "0xLISTESTUID"
    feedback = LogFeedback()
    result = processing.run("lis:loadindicators", {
        "SOURCE": 1, "IDS": "NM_144_1", "AREA_TYPE": "TYPE299", "BASE_URL": servers.nomis_base,
        "AUTH_CONFIG": nomis_auth_config, "OUTPUT": str(tmp_path / "oa.csv"),
    }, context=QgsProcessingContext(), feedback=feedback)  # fmt: skip
    seen = servers.server.requests_to(".data.csv")
    assert len(seen) == 1 and seen[0].query["uid"] == "0xLISTESTUID"  # a key's larger cap: one page
    assert result["ROWS"] == 1112 and "uid=***" in result["SOURCE_URL"]
    stored = "".join(path.read_text(errors="replace") for path in algorithm_cache.rglob("*") if path.is_file())
    assert "0xLISTESTUID" not in stored + feedback.text + result["SOURCE_URL"]


# ------------------------------------------------------------------------------------- Algorithms


def test_algorithms_are_registered_in_the_online_group(lis_plugin: object) -> None:
    registry = QgsApplication.processingRegistry()
    for name in ("lis:loadboundaries", "lis:loadindicators"):
        algorithm = registry.algorithmById(name)
        assert algorithm is not None and algorithm.group() == "Online sources" and algorithm.groupId() == "online"
    assert len(BOUNDARY_SETS) == len(registry.algorithmById("lis:loadboundaries").parameterDefinition(
        "BOUNDARY_SET").options())  # fmt: skip


def test_loadboundaries_algorithm(
    lis_plugin: object, servers: OnlineServers, tmp_path: Path, algorithm_cache: Path
) -> None:
    import processing

    feedback = LogFeedback()
    out = tmp_path / "lsoa.gpkg"
    result = processing.run("lis:loadboundaries", {
        "BOUNDARY_SET": 0, "DISTRICT_CODE": RUTLAND, "BASE_URL": servers.ons_base, "OUTPUT": str(out),
    }, context=QgsProcessingContext(), feedback=feedback)  # fmt: skip
    assert result["FEATURE_COUNT"] == 26 and result["SOURCE_URL"] == servers.layer_url(LSOA21)
    assert open_layer(out, "lsoa").featureCount() == 26
    assert "26 features match LSOA21NM starting with 'Rutland '" in feedback.text
    assert list(algorithm_cache.glob("boundaries_*.gpkg"))
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="Choose a district code or an extent"):
        processing.run("lis:loadboundaries", {"BOUNDARY_SET": 0, "BASE_URL": servers.ons_base,
                                              "OUTPUT": str(tmp_path / "none.gpkg")},
                       context=QgsProcessingContext(), feedback=QgsProcessingFeedback())  # fmt: skip


def _imd_scores(shared_data: Path) -> dict[str, float]:
    path = shared_data / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv"
    return {row["lsoa21_code"]: float(row["IMD_score"]) for row in csv.DictReader(path.open())}


def test_loadindicators_output_feeds_joinindicators(
    lis_plugin: object, servers: OnlineServers, shared_data: Path, tmp_path: Path, algorithm_cache: Path
) -> None:
    import processing

    loaded = processing.run("lis:loadindicators", {
        "SOURCE": 0, "IDS": str(IMD_SCORE_INDICATOR), "AREA_TYPE": str(LSOA_AREA_TYPE), "PARENT_CODE": RUTLAND,
        "BASE_URL": servers.fingertips_base, "OUTPUT": str(tmp_path / "imd.csv"),
    }, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())  # fmt: skip
    assert loaded["ROWS"] == 26
    joined = processing.run("lis:joinindicators", {
        "BOUNDARIES": str(shared_data / "rutland" / "boundaries" / "rutland_lsoa21.geojson"),
        "TABLE": loaded["OUTPUT"], "OUTPUT": str(tmp_path / "joined.gpkg"),
    }, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())  # fmt: skip
    assert joined["MATCHED"] == 26 and joined["UNMATCHED_BOUNDARIES"] == 0
    layer = open_layer(tmp_path / "joined.gpkg", "joined")
    got = {feature["LSOA21CD"]: feature["deprivation_score_imd_2025"] for feature in layer.getFeatures()}
    assert got == pytest.approx(_imd_scores(shared_data))
    assert got["E01013787"] == pytest.approx(14.351)  # Rutland 005A, as published


def test_loadindicators_then_joinindicators_in_a_model(
    lis_plugin: object, servers: OnlineServers, shared_data: Path, tmp_path: Path, algorithm_cache: Path
) -> None:
    """The chain as the model designer builds it: the join's TABLE takes the load's OUTPUT."""
    import processing
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingOutputFile,
    )

    static = QgsProcessingModelChildParameterSource.fromStaticValue
    model = QgsProcessingModelAlgorithm("load_and_join", "LIS tests")
    load = QgsProcessingModelChildAlgorithm("lis:loadindicators")
    load.setChildId("load")
    for name, value in {"SOURCE": 0, "IDS": str(IMD_SCORE_INDICATOR), "AREA_TYPE": str(LSOA_AREA_TYPE),
                        "PARENT_CODE": RUTLAND, "BASE_URL": servers.fingertips_base}.items():  # fmt: skip
        load.addParameterSources(name, [static(value)])
    model.addChildAlgorithm(load)
    join = QgsProcessingModelChildAlgorithm("lis:joinindicators")
    join.setChildId("join")
    join.addParameterSources("BOUNDARIES", [static(str(shared_data / "rutland/boundaries/rutland_lsoa21.geojson"))])
    join.addParameterSources("TABLE", [QgsProcessingModelChildParameterSource.fromChildOutput("load", "OUTPUT")])
    output = QgsProcessingModelOutput("joined", "Joined")
    output.setChildId("join")
    output.setChildOutputName("OUTPUT")
    join.setModelOutputs({"joined": output})
    model.addChildAlgorithm(join)
    sources = model.availableSourcesForChild("join", [], [QgsProcessingOutputFile.typeName()])
    assert [(source.outputChildId(), source.outputName()) for source in sources] == [("load", "OUTPUT")]
    model.updateDestinationParameters()
    # The model's own name for the join's output: "join:joined" before QGIS 3.32 or so, "joined" on 3.40.
    (destination,) = [parameter.name() for parameter in model.destinationParameterDefinitions()]
    assert destination in ("joined", "join:joined")
    result = processing.run(model, {destination: str(tmp_path / "model.gpkg")}, context=QgsProcessingContext(),
                            feedback=QgsProcessingFeedback())  # fmt: skip
    layer = QgsVectorLayer(result[destination], "joined", "ogr")
    got = {feature["LSOA21CD"]: feature["deprivation_score_imd_2025"] for feature in layer.getFeatures()}
    assert got == pytest.approx(_imd_scores(shared_data))


def test_online_settings_default_to_the_values_the_sources_always_used() -> None:
    online = lis_settings.online_settings()
    assert online.http == HttpOptions(timeout=60.0, proxy=ProxySettings())  # QGIS's default timeout, no proxy
    assert (online.cache_dir, online.max_age_days) == (None, 30.0)
    assert (online.ons_base_url, online.fingertips_base_url, online.nomis_base_url) == (None, None, None)
    assert default_cache_folder() == Path(QgsApplication.qgisSettingsDirPath()) / "cache" / "lis_online"


def test_online_settings_reach_the_sources_through_the_algorithms(
    lis_plugin: object, servers: OnlineServers, tmp_path: Path, algorithm_cache: Path
) -> None:
    """Without BASE_URL the mirrors set in lis/online/ are used; cacheDays 0 downloads every time."""
    import processing

    mirrors = {
        "lis/online/onsBaseUrl": servers.ons_base, "lis/online/fingertipsBaseUrl": servers.fingertips_base,
        "lis/online/cacheDays": 0, "/qgis/networkAndProxy/networkTimeout": 400,
    }  # fmt: skip
    with qgis_settings(mirrors):
        online = lis_settings.online_settings()
        assert online.http.timeout == 1.0 and online.max_age_days == 0  # QGIS's timeout, never under a second
        assert (online.ons_base_url, online.fingertips_base_url) == (servers.ons_base, servers.fingertips_base)
        for run in range(2):
            result = processing.run("lis:loadboundaries", {
                "BOUNDARY_SET": 0, "DISTRICT_CODE": RUTLAND, "OUTPUT": str(tmp_path / f"lsoa{run}.gpkg"),
            }, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())  # fmt: skip
            assert result["FEATURE_COUNT"] == 26 and result["SOURCE_URL"] == servers.layer_url(LSOA21)
        loaded = processing.run("lis:loadindicators", {
            "SOURCE": 0, "IDS": str(IMD_SCORE_INDICATOR), "AREA_TYPE": str(LSOA_AREA_TYPE), "PARENT_CODE": RUTLAND,
            "OUTPUT": str(tmp_path / "imd.csv"),
        }, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())  # fmt: skip
    assert loaded["ROWS"] == 26 and loaded["SOURCE_URL"].startswith(servers.fingertips_base)
    counts = [seen for seen in servers.server.requests_to("/query") if seen.query.get("returnCountOnly") == "true"]
    assert len(counts) == 2  # the second run did not reuse the first one's download
    assert list(algorithm_cache.glob("boundaries_*.gpkg")) and list(algorithm_cache.glob("tables/fingertips_*"))


@pytest.mark.slow
def test_qgis_process_runs_loadboundaries(
    qgis_process_env: dict[str, str], servers: OnlineServers, shared_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "wards.gpkg"
    wards = [item.key for item in BOUNDARY_SETS].index("wards25_bgc")
    run = run_qgis_process(
        {**qgis_process_env, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}, "run", "lis:loadboundaries", "--",
        f"BOUNDARY_SET={wards}", f"DISTRICT_CODE={RUTLAND}", f"BASE_URL={servers.ons_base}", f"OUTPUT={out}",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FEATURE_COUNT:\t15" in run.stdout
    source = shared_data / "rutland" / "boundaries" / "rutland_wards_2025.geojson"
    assert layer_codes(out, "wards", "WD25CD") == geojson_codes(source, "WD25CD")
    assert any(seen.query.get("f") == "geojson" for seen in servers.server.requests_to("Wards_May_2025"))


# ------------------------------------------------------------------- Downloads are complete or absent


def test_download_limits_default_to_the_core_and_follow_the_settings() -> None:
    from lis_qgis_plugin.core.sources.http_client import (
        DEFAULT_DEADLINE_SECONDS,
        DEFAULT_MAX_BYTES,
        DEFAULT_MAX_REDIRECTS,
    )

    http = lis_settings.online_settings().http
    assert (http.deadline, http.max_bytes, http.max_redirects) == (600.0, 500 * 1024 * 1024, 10)
    assert (DEFAULT_DEADLINE_SECONDS, DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS) == (600.0, 524_288_000, 10)
    with qgis_settings({"lis/online/downloadDeadline": "90", "lis/online/maxDownloadMB": 2.5}):
        http = lis_settings.online_settings().http
    assert (http.deadline, http.max_bytes) == (90.0, 2_621_440)
    for unusable in ("0", "-5", "soon"):  # the defaults, never a deadline of 0 s or a limit of 0 bytes
        with qgis_settings({"lis/online/downloadDeadline": unusable, "lis/online/maxDownloadMB": unusable}):
            http = lis_settings.online_settings().http
        assert (http.deadline, http.max_bytes) == (600.0, 524_288_000)


def _indicator_run(servers: OnlineServers, out: Path) -> dict:
    import processing

    return processing.run("lis:loadindicators", {
        "SOURCE": 0, "IDS": str(IMD_SCORE_INDICATOR), "AREA_TYPE": str(LSOA_AREA_TYPE), "PARENT_CODE": RUTLAND,
        "BASE_URL": servers.fingertips_base, "OUTPUT": str(out),
    }, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())  # fmt: skip


def _cache_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_a_dripping_server_stops_at_the_deadline_set_in_the_settings(
    lis_plugin: object, servers: OnlineServers, shared_data: Path, tmp_path: Path, algorithm_cache: Path
) -> None:
    from qgis.core import QgsProcessingException

    servers.server.fail("by_indicator_id", "trickle", seconds=1.0)
    out = tmp_path / "imd.csv"
    settings = {"lis/online/downloadDeadline": 1.5, "/qgis/networkAndProxy/networkTimeout": 3000}
    with qgis_settings(settings), pytest.raises(QgsProcessingException) as stopped:
        _indicator_run(servers, out)
    message = str(stopped.value)
    assert "by_indicator_id?indicator_ids=990001" in message and "did not finish within 1.5 s" in message
    assert "lis/online/downloadDeadline" in message and "no answer within" not in message
    assert _cache_files(algorithm_cache) == [] and not out.exists()
    with qgis_settings(settings):
        result = _indicator_run(servers, out)
    assert result["ROWS"] == 26
    assert {row["Area Code"]: float(row["Value"]) for row in csv.DictReader(out.open())} == _imd_scores(shared_data)
    assert [name.rsplit(".", 1)[1] for name in _cache_files(algorithm_cache)] == ["download", "json"]


def test_a_cut_short_or_oversized_download_is_a_message_and_leaves_nothing(
    lis_plugin: object, servers: OnlineServers, tmp_path: Path, algorithm_cache: Path
) -> None:
    from qgis.core import QgsProcessingException

    out = tmp_path / "imd.csv"
    servers.server.fail("by_indicator_id", "cut_in_quote")
    with pytest.raises(QgsProcessingException, match=r"the download was cut short: the CSV stops inside a quoted"):
        _indicator_run(servers, out)
    with qgis_settings({"lis/online/maxDownloadMB": 0.001}), pytest.raises(
        QgsProcessingException, match=r"larger than the 1,048 bytes LIS accepts .*lis/online/maxDownloadMB"
    ):  # fmt: skip
        _indicator_run(servers, out)
    assert _cache_files(algorithm_cache) == [] and not out.exists() and list(tmp_path.glob("*.csv")) == []
    assert _indicator_run(servers, out)["ROWS"] == 26 and len(_cache_files(algorithm_cache)) == 2


def test_a_redirect_loop_is_a_message_not_a_traceback(
    lis_plugin: object, servers: OnlineServers, tmp_path: Path, algorithm_cache: Path
) -> None:
    import processing
    from qgis.core import QgsProcessingException

    servers.server.fail("FeatureServer/0?", "redirect_loop", times=50)
    out = tmp_path / "lsoa.gpkg"
    with pytest.raises(QgsProcessingException, match=r"FeatureServer/0\?f=json: the server sent LIS on to another "
                                                     r"address more than 10 times.*a redirect loop\. Open the "
                                                     r"address in a browser"):  # fmt: skip
        processing.run("lis:loadboundaries", {
            "BOUNDARY_SET": 0, "DISTRICT_CODE": RUTLAND, "BASE_URL": servers.ons_base, "OUTPUT": str(out),
        }, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())  # fmt: skip
    assert _cache_files(algorithm_cache) == [] and not out.exists()
