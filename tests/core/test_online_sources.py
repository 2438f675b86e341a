"""Online sources called directly, against real HTTP servers on 127.0.0.1 that answer like ONS, Fingertips and Nomis.

No internet: tests/online_servers.py serves the real Rutland and Nottingham data in each
service's own format. Every fault test checks the message a user would read and that no
partial cache entry or output was left behind. The core reads no settings: each test gives
the network options, the mirror and the cache folder as arguments.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeedback,
    QgsProject,
    QgsVectorLayer,
)

from lis_qgis_plugin import settings as lis_settings
from lis_qgis_plugin.core.common.errors import CancelledError
from lis_qgis_plugin.core.common.plugin_files import plugin_version
from lis_qgis_plugin.core.io.layer_output import OutputError
from lis_qgis_plugin.core.sources import fingertips, nomis, url_source
from lis_qgis_plugin.core.sources.http_client import (
    DeadlineError,
    HttpClient,
    HttpError,
    HttpOptions,
    OnlineSourceError,
    ProxySettings,
    proxies_for,
    redact,
    user_agent,
)
from lis_qgis_plugin.core.sources.online_cache import read_source_records
from lis_qgis_plugin.core.sources.ons_geography import ArcGisError, boundary_set, load_boundaries

from ..online_servers import (
    DISTRICT_AREA_TYPE,
    IMD_SCORE_INDICATOR,
    LSOA_AREA_TYPE,
    MOST_DEPRIVED_INDICATOR,
    SCORE_NOTE,
    ForwardingProxy,
    OnlineServers,
    geojson_codes,
    layer_codes,
    qgis_settings,
)
from ..support import open_layer

LSOA21 = "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5"
LSOA11 = "LSOA_Dec_2011_Boundaries_Generalised_Clipped_BGC_EW_V3_2022"
RUTLAND = "E06000017"
NOTTINGHAM = "E06000018"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def fast_client(
    feedback: QgsFeedback | None = None, timeout: float = 5.0, retries: int = 2, proxy: ProxySettings | None = None
) -> HttpClient:
    """A client with short pauses between tries, so fault tests stay fast (no proxy unless given)."""
    options = HttpOptions(timeout=timeout, proxy=proxy or ProxySettings())
    return HttpClient(feedback=feedback, options=options, retries=retries, backoff=0.01)


def assert_nothing_left(cache: Path, *outputs: Path) -> None:
    """No cache entry and no temporary file after a failed download, and no output."""
    left = [path.name for path in cache.rglob("*") if path.is_file()] if cache.exists() else []
    assert left == [], left
    for output in outputs:
        assert not output.exists(), output


# --------------------------------------------------------------------------------- ONS boundaries


def test_rutland_lsoas_page_through_the_layer_and_are_cached(
    servers: OnlineServers, shared_data: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "rutland.gpkg"
    outcome = load_boundaries(str(out), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base, cache_dir=cache,
                              client=fast_client())  # fmt: skip
    source = shared_data / "rutland" / "boundaries" / "rutland_lsoa21.geojson"
    assert outcome.feature_count == 26 == len(json.loads(source.read_text())["features"])
    assert layer_codes(out, "rutland", "LSOA21CD") == geojson_codes(source, "LSOA21CD")
    assert open_layer(out, "rutland").crs().authid() == "EPSG:27700"
    pages = [
        seen.query
        for seen in servers.server.requests_to(f"{LSOA21}/FeatureServer/0/query")
        if seen.query.get("f") == "geojson"
    ]
    assert [(page["resultOffset"], page["resultRecordCount"]) for page in pages] == [("0", "10"), ("10", "10"),
                                                                                       ("20", "10")]  # fmt: skip
    assert pages[0]["where"] == "LSOA21NM LIKE 'Rutland %'" and pages[0]["outSR"] == "27700"
    assert all(
        seen.headers["User-Agent"].startswith(f"LIS-QGIS-plugin/{plugin_version()} ") for seen in servers.server.seen
    )
    record = read_source_records(out)[0]
    assert record["url"] == servers.layer_url(LSOA21) and record["features"] == "26"
    assert "Rutland" in record["query"] and record["retrieved"][:4].isdigit()
    assert read_source_records(outcome.cache_file)[0]["features"] == "26"

    servers.server.clear()
    again = load_boundaries(str(tmp_path / "again.gpkg"), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base,
                            cache_dir=cache, client=fast_client())  # fmt: skip
    assert again.from_cache and again.feature_count == 26
    assert servers.server.requests_to("/query") == []


def test_wards_by_district_outline_and_districts_by_code(
    servers: OnlineServers, shared_data: Path, tmp_path: Path, cache: Path
) -> None:
    wards = load_boundaries(str(tmp_path / "wards.gpkg"), "wards25_bgc", NOTTINGHAM, base_url=servers.ons_base,
                            cache_dir=cache, client=fast_client())  # fmt: skip
    source = shared_data / "nottingham" / "boundaries" / "nottingham_wards_2025.geojson"
    assert wards.feature_count == 20
    assert layer_codes(tmp_path / "wards.gpkg", "wards", "WD25CD") == geojson_codes(source, "WD25CD")
    district = load_boundaries(str(tmp_path / "district.gpkg"), "lad24_bgc", RUTLAND, base_url=servers.ons_base,
                               cache_dir=cache, client=fast_client())  # fmt: skip
    assert district.feature_count == 1
    assert layer_codes(tmp_path / "district.gpkg", "district", "LAD24CD") == {RUTLAND}


def test_extent_and_service_url_override(
    servers: OnlineServers, shared_data: Path, tmp_path: Path, cache: Path
) -> None:
    rutland = QgsVectorLayer(str(shared_data / "rutland" / "boundaries" / "rutland_lsoa21.geojson"), "r", "ogr")
    transform = QgsCoordinateTransform(rutland.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    extent = transform.transformBoundingBox(rutland.extent())
    del rutland
    by_extent = load_boundaries(str(tmp_path / "extent.gpkg"), "lsoa21_bgc", extent=extent,
                                base_url=servers.ons_base, cache_dir=cache, client=fast_client())  # fmt: skip
    assert by_extent.feature_count == 26  # Rutland's, none of Nottingham's
    # A layer URL (with /query) replaces the catalogue entry; its own fields decide the district filter.
    override = load_boundaries(str(tmp_path / "lsoa11.gpkg"), "lsoa21_bgc", RUTLAND,
                               service_url=servers.layer_url(LSOA11) + "/query", base_url=servers.ons_base,
                               cache_dir=cache, client=fast_client())  # fmt: skip
    assert override.feature_count == 23
    assert override.source_url == servers.layer_url(LSOA11)
    with pytest.raises(OnlineSourceError, match="not an ArcGIS layer address"):
        load_boundaries(str(tmp_path / "x.gpkg"), None, RUTLAND, service_url=f"{servers.ons_base}/{LSOA11}",
                        cache_dir=cache)  # fmt: skip


def test_a_retried_500_succeeds_and_is_logged(servers: OnlineServers, tmp_path: Path, cache: Path) -> None:
    servers.server.fail("resultOffset=10", "500")
    outcome = load_boundaries(str(tmp_path / "b.gpkg"), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base,
                              cache_dir=cache, client=fast_client())  # fmt: skip
    assert outcome.feature_count == 26
    assert any("answered 500" in line.text and "trying again" in line.text for line in outcome.log)
    assert len([seen for seen in servers.server.requests_to("/query") if seen.query.get("resultOffset") == "10"]) == 2


@pytest.mark.parametrize(
    ("fragment", "kind", "times", "error", "message"),
    [
        ("/query", "500", 5, HttpError, r"answered 500 .*after 3 tries\. The service is failing or busy"),
        ("/query", "truncate", 5, HttpError, r"cut short .*after 3 tries"),
        ("resultOffset=0", "invalid_json", 1, OnlineSourceError, r"not valid JSON .*cut short"),
        ("resultOffset=10", "arcgis_error", 1, ArcGisError, r"reported error 500: Error performing query operation"),
        ("FeatureServer/0?", "html", 1, OnlineSourceError, r"sent a web page \(text/html\), not JSON"),
        ("resultOffset", "stop_paging", 5, OnlineSourceError, r"sent 10 of the 26 features .*paging stopped early"),
        ("resultOffset", "empty_pages", 9, OnlineSourceError, r"kept saying more features follow"),
        ("/query", "drop", 5, HttpError, r"connection failed .*after 3 tries"),
        ("FeatureServer/0?", "404", 1, HttpError, r"answered 404 Not Found \(Error 404\)\. Nothing is published"),
        (
            "resultOffset=10",
            "gzip_cut",
            5,
            HttpError,
            r"resultOffset=10.*: the download was cut short \(the gzip data "
            r"stops before its end, after [\d,]+ bytes\), after 3 tries",
        ),
        (
            "FeatureServer/0?",
            "redirect_loop",
            50,
            HttpError,
            r"FeatureServer/0\?f=json: the server sent LIS on to "
            r"another address more than 10 times.*a redirect loop",
        ),
    ],
)
def test_download_faults_give_clear_errors_and_leave_nothing(
    servers: OnlineServers, tmp_path: Path, cache: Path, fragment: str, kind: str, times: int, error: type,
    message: str,
) -> None:  # fmt: skip
    servers.server.fail(fragment, kind, times)
    out = tmp_path / "faulty.gpkg"
    with pytest.raises(error, match=message):
        load_boundaries(str(out), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base, cache_dir=cache,
                        client=fast_client())  # fmt: skip
    assert_nothing_left(cache / "tables", out)
    assert not list(cache.glob("*.gpkg")) and not list(cache.glob(".*"))


def test_boundaries_dripping_past_the_deadline_leave_nothing_then_download(
    servers: OnlineServers, tmp_path: Path, cache: Path
) -> None:
    servers.server.fail("resultOffset=10", "trickle", seconds=1.0)
    client = HttpClient(options=HttpOptions(timeout=3.0, deadline=1.5), retries=2, backoff=0.01)
    out = tmp_path / "b.gpkg"
    with pytest.raises(DeadlineError, match=r"resultOffset=10.*: the download did not finish within 1\.5 s"):
        load_boundaries(str(out), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base, cache_dir=cache, client=client)
    assert cache_files(cache) == [] and not out.exists()
    good = load_boundaries(str(out), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base, cache_dir=cache, client=client)
    assert good.feature_count == 26 and good.cache_file.exists() and cache_files(cache) == [good.cache_file.name]


def test_a_cached_boundary_entry_that_lost_features_is_downloaded_again(
    servers: OnlineServers, tmp_path: Path, cache: Path
) -> None:
    first = load_boundaries(str(tmp_path / "a.gpkg"), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base,
                            cache_dir=cache, client=fast_client())  # fmt: skip
    name = read_source_records(first.cache_file)[0]["layer"]
    layer = QgsVectorLayer(f"{first.cache_file}|layername={name}", name, "ogr")
    assert layer.dataProvider().deleteFeatures(list(layer.allFeatureIds())[:10])  # an entry cut short (a crash)
    del layer
    servers.server.clear()
    again = load_boundaries(str(tmp_path / "b.gpkg"), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base,
                            cache_dir=cache, client=fast_client())  # fmt: skip
    assert (again.from_cache, again.feature_count) == (False, 26) and servers.server.requests_to("/query")
    assert read_source_records(again.cache_file)[0]["features"] == "26"
    assert load_boundaries(str(tmp_path / "c.gpkg"), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base,
                           cache_dir=cache, client=fast_client()).from_cache  # fmt: skip


def test_a_server_that_loses_features_is_an_error(servers: OnlineServers, tmp_path: Path, cache: Path) -> None:
    servers.arcgis.count_offset = 5  # counts 31, sends 26
    with pytest.raises(OnlineSourceError, match=r"sent 26 of the 31 features"):
        load_boundaries(str(tmp_path / "b.gpkg"), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base, cache_dir=cache,
                        client=fast_client())  # fmt: skip
    assert not list(cache.glob("*.gpkg"))


def test_wrong_service_name_is_an_arcgis_error_in_http_200(servers: OnlineServers, tmp_path: Path, cache: Path) -> None:
    with pytest.raises(ArcGisError, match=r"error 400: Invalid URL\. The service or layer does not exist"):
        load_boundaries(str(tmp_path / "b.gpkg"), None, RUTLAND,
                        service_url=servers.layer_url("Lower_layer_Super_Output_Areas_December_2021_EW_BGC_V9"),
                        base_url=servers.ons_base, cache_dir=cache, client=fast_client())  # fmt: skip
    with pytest.raises(OnlineSourceError, match=r"There is no district with code E06000099"):
        load_boundaries(str(tmp_path / "b.gpkg"), "lsoa21_bgc", "E06000099", base_url=servers.ons_base,
                        cache_dir=cache, client=fast_client())  # fmt: skip
    assert not list(cache.glob("*.gpkg"))


def test_timeouts_are_retried_then_reported(servers: OnlineServers, tmp_path: Path, cache: Path) -> None:
    servers.server.fail("FeatureServer/0?", "timeout", times=2, seconds=1.5)
    start = time.monotonic()
    with pytest.raises(HttpError, match=r"no answer within 0\.4 s \(timed out\), after 2 tries.*raise the timeout"):
        load_boundaries(str(tmp_path / "b.gpkg"), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base, cache_dir=cache,
                        client=fast_client(timeout=0.4, retries=1))  # fmt: skip
    assert time.monotonic() - start < 3
    assert_nothing_left(cache / "tables", tmp_path / "b.gpkg")


def test_cancel_stops_a_slow_download_at_once(servers: OnlineServers, tmp_path: Path, cache: Path) -> None:
    servers.server.fail("resultOffset=10", "slow", seconds=3)
    feedback = QgsFeedback()
    threading.Timer(0.3, feedback.cancel).start()
    start = time.monotonic()
    with pytest.raises(CancelledError):
        load_boundaries(str(tmp_path / "b.gpkg"), "lsoa21_bgc", RUTLAND, base_url=servers.ons_base, cache_dir=cache,
                        client=fast_client(feedback, timeout=30), feedback=feedback)  # fmt: skip
    assert time.monotonic() - start < 1.5
    assert_nothing_left(cache / "tables", tmp_path / "b.gpkg")
    assert not list(cache.glob("*.gpkg")) and not list(cache.glob(".*"))


def test_cancel_during_a_dripping_body(servers: OnlineServers, tmp_path: Path, cache: Path) -> None:
    servers.files.add("big.csv", "text/csv", b"code,value\n" + b"".join(b"E01013787,1\n" for _ in range(400)))
    servers.server.fail("big.csv", "drip", seconds=0.05)
    feedback = QgsFeedback()
    threading.Timer(0.3, feedback.cancel).start()
    with pytest.raises(CancelledError):
        url_source.load_url(servers.file_url("big.csv"), tmp_path / "big.csv", cache_dir=cache,
                            client=fast_client(feedback))  # fmt: skip
    assert_nothing_left(cache / "tables", tmp_path / "big.csv")


# ------------------------------------------------------------------------------------ HTTP client


def test_client_names_the_plugin_and_hides_keys() -> None:
    assert user_agent().startswith(f"LIS-QGIS-plugin/{plugin_version()} (QGIS 3.")
    shown = redact("https://www.nomisweb.co.uk/api/v01/dataset/NM_1_1.data.csv?geography=TYPE151&uid=0xabc123")
    assert "0xabc123" not in shown and "uid=***" in shown and "geography=TYPE151" in shown


def test_http_404_names_the_address_and_what_to_do(servers: OnlineServers, tmp_path: Path, cache: Path) -> None:
    with pytest.raises(
        HttpError, match=r"/files/missing\.csv: the server answered 404 Not Found\. Nothing is published"
    ):
        url_source.load_url(servers.file_url("missing.csv"), tmp_path / "m.csv", cache_dir=cache, client=fast_client())
    assert len(servers.server.requests_to("missing.csv")) == 1  # a 4xx is not retried
    assert_nothing_left(cache / "tables", tmp_path / "m.csv")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForwardingProxy]:
    started = ForwardingProxy(tmp_path_factory.mktemp("proxy"))
    yield started
    started.close()


def test_requests_go_through_the_proxy_set_in_qgis(
    servers: OnlineServers, proxy: ForwardingProxy, tmp_path: Path, cache: Path
) -> None:
    servers.files.add("via-proxy.csv", "text/csv", b"code,value\nE06000017,1\n")
    settings = {
        "proxy/proxyEnabled": True, "proxy/proxyType": "HttpProxy", "proxy/proxyHost": "127.0.0.1",
        "proxy/proxyPort": str(proxy.port),
    }  # fmt: skip
    url = servers.file_url("via-proxy.csv")
    with qgis_settings(settings):
        qgis_proxy = lis_settings.proxy_settings()  # read as the algorithms read it, then passed to the core
    assert proxies_for(url, qgis_proxy) == {"http": proxy.url, "https": proxy.url}
    outcome = url_source.load_url(url, tmp_path / "p.csv", cache_dir=cache, client=fast_client(proxy=qgis_proxy))
    assert outcome.rows == 1
    assert f"GET {url}" in proxy.seen()  # the proxy logged the request...
    assert "via" in {
        name.lower() for name in servers.server.requests_to("via-proxy.csv")[0].headers
    }  # ...and forwarded it
    # URLs in QGIS's no-proxy list go direct.
    servers.files.add("direct.csv", "text/csv", b"code,value\nE06000017,2\n")
    with qgis_settings({**settings, "proxy/noProxyUrls": [servers.server.base_url]}):
        qgis_proxy = lis_settings.proxy_settings()
    url_source.load_url(servers.file_url("direct.csv"), tmp_path / "d.csv", cache_dir=cache,
                        client=fast_client(proxy=qgis_proxy))  # fmt: skip
    assert "direct.csv" not in proxy.seen()


def test_proxy_environment_variables_apply_when_qgis_has_no_proxy(
    servers: OnlineServers, proxy: ForwardingProxy, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    servers.files.add("env-proxy.csv", "text/csv", b"code,value\nE06000017,3\n")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("http_proxy", proxy.url)
    assert proxies_for(servers.file_url("env-proxy.csv"), lis_settings.proxy_settings()) is None
    url_source.load_url(servers.file_url("env-proxy.csv"), tmp_path / "e.csv", cache_dir=cache, client=fast_client())
    assert "env-proxy.csv" in proxy.seen()


# ------------------------------------------------------------------------------------- Fingertips


def test_fingertips_lists_profiles_indicators_and_area_types(servers: OnlineServers) -> None:
    client = fast_client()
    profiles = fingertips.list_profiles(client, servers.fingertips_base)
    assert [profile.name for profile in profiles] == ["LIS loopback test profile: Indices of Deprivation"]
    indicators = dict(fingertips.list_indicators(client, profiles[0].id, servers.fingertips_base))
    assert indicators[IMD_SCORE_INDICATOR] == "Deprivation score (IMD 2025)"
    types = dict(fingertips.list_area_types(client, servers.fingertips_base))
    assert types[501] == "Districts & UAs (from Apr 2023)" == fingertips.AREA_TYPES[501][0]
    assert fingertips.boundary_set_for_area_type(501) == "lad24_bgc"
    assert fingertips.boundary_set_for_area_type(502) == "cty24_bgc"
    assert boundary_set(fingertips.boundary_set_for_area_type(8)).code_field == "WD24CD"
    assert fingertips.parent_area_type_for("E06000017") == 501 and fingertips.parent_area_type_for("E92000001") == 15
    metadata = fingertips.indicator_metadata(client, [MOST_DEPRIVED_INDICATOR], servers.fingertips_base)
    assert metadata[MOST_DEPRIVED_INDICATOR]["unit"] == "%"


def test_fingertips_data_keep_limits_periods_and_source_values(
    servers: OnlineServers, shared_data: Path, tmp_path: Path, cache: Path
) -> None:
    outcome = fingertips.load_fingertips([MOST_DEPRIVED_INDICATOR], DISTRICT_AREA_TYPE, tmp_path / "ft.csv",
                                         "E92000001", base_url=servers.fingertips_base, cache_dir=cache,
                                         client=fast_client())  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(outcome.path.read_text(encoding="utf-8"))))
    assert outcome.rows == 4 and {row["Time period"] for row in rows} == {"2019", "2025"}
    deciles = [
        int(row["IMD_decile"])
        for row in csv.DictReader((shared_data / "nottingham/deprivation/nottingham_imd2025_lsoa21.csv").open())
    ]
    most = sum(1 for decile in deciles if decile == 1)
    notts = next(row for row in rows if row["Area Name"] == "Nottingham" and row["Time period"] == "2025")
    assert (int(notts["Count"]), int(notts["Denominator"])) == (most, len(deciles)) == (55, 179)
    assert float(notts["Value"]) == pytest.approx(100 * 55 / 179)
    assert float(notts["Lower CI 95.0 limit"]) < float(notts["Value"]) < float(notts["Upper CI 95.0 limit"])
    query = servers.server.requests_to("by_indicator_id")[0].query
    assert query == {"indicator_ids": str(MOST_DEPRIVED_INDICATOR), "child_area_type_id": "501",
                     "parent_area_type_id": "15", "parent_area_code": "E92000001"}  # fmt: skip
    with pytest.raises(OnlineSourceError, match=r"no data for indicator\(s\) 990002 at Wards \(area type 8\)"):
        fingertips.load_fingertips([MOST_DEPRIVED_INDICATOR], 8, tmp_path / "none.csv", RUTLAND,
                                   base_url=servers.fingertips_base, cache_dir=cache, client=fast_client())  # fmt: skip
    assert not (tmp_path / "none.csv").exists()


# ------------------------------------------------------------------------------------------ Nomis


def test_nomis_pages_past_the_row_cap(servers: OnlineServers, shared_data: Path, tmp_path: Path, cache: Path) -> None:
    assert nomis.search_datasets(fast_client(), "usual resident", servers.nomis_base) == [
        ("NM_144_1", "KS101EW - Usual resident population")
    ]
    outcome = nomis.load_nomis("nm_144_1", "TYPE299", tmp_path / "oa.csv", base_url=servers.nomis_base,
                               cache_dir=cache, client=fast_client())  # fmt: skip
    offsets = [seen.query.get("RecordOffset") for seen in servers.server.requests_to(".data.csv")]
    assert offsets == [None, "250", "500", "750", "1000"]  # the server's cap here is 250 rows
    rows = list(csv.DictReader(io.StringIO(outcome.path.read_text(encoding="utf-8"))))
    rutland = shared_data / "rutland" / "population" / "rutland_oa11_population_census2011.csv"
    expected = {row["OA11CD"]: int(row["usual_residents_2011"]) for row in csv.DictReader(rutland.open())}
    got = {row["GEOGRAPHY_CODE"]: int(row["OBS_VALUE"]) for row in rows}
    assert len(rows) == 1112 == len(got)
    assert {code: got[code] for code in expected} == expected and sum(expected.values()) == 37369
    assert rows[0]["Indicator"] == "NM_144_1: All usual residents; Value"


def test_nomis_short_page_names_the_guest_cap(servers: OnlineServers, tmp_path: Path, cache: Path) -> None:
    servers.server.fail("RecordOffset", "short_page")
    with pytest.raises(OnlineSourceError, match=r"stopped after 250 of 1,112 rows .*at most 25,000 rows per call"):
        nomis.load_nomis("NM_144_1", "TYPE299", tmp_path / "oa.csv", base_url=servers.nomis_base, cache_dir=cache,
                         client=fast_client())  # fmt: skip
    assert_nothing_left(cache / "tables", tmp_path / "oa.csv")


# -------------------------------------------------------------------------------------------- URLs


def test_any_url_serving_csv_xlsx_or_geojson(
    servers: OnlineServers, shared_data: Path, tmp_path: Path, cache: Path
) -> None:
    from openpyxl import Workbook

    table = shared_data / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv"
    workbook = Workbook()
    for row in csv.reader(table.open()):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    servers.files.add("imd.csv", "text/csv; charset=utf-8", table.read_bytes())
    servers.files.add("imd.xlsx", "application/octet-stream", buffer.getvalue())
    boundaries = shared_data / "rutland" / "boundaries" / "rutland_lsoa21.geojson"
    servers.files.add("lsoa.geojson", "application/geo+json", boundaries.read_bytes())
    got = {
        name: url_source.load_url(
            servers.file_url(name), tmp_path / "download.csv", cache_dir=cache, client=fast_client()
        )
        for name in ("imd.csv", "imd.xlsx", "lsoa.geojson")
    }
    assert {name: (item.kind, item.rows, item.path.name) for name, item in got.items()} == {
        "imd.csv": ("csv", 26, "download.csv"),
        "imd.xlsx": ("xlsx", 26, "download.xlsx"),
        "lsoa.geojson": ("geojson", 26, "download.geojson"),
    }
    with pytest.raises(OnlineSourceError, match=r"sent a web page \(text/html\), not a CSV, XLSX or GeoJSON file"):
        url_source.load_url(servers.file_url("login"), tmp_path / "login.csv", cache_dir=cache, client=fast_client())
    servers.files.add("disguised.csv", "text/csv", b"<!DOCTYPE html><html><body>Sign in</body></html>")
    with pytest.raises(OnlineSourceError, match="sign-in or landing page"):
        url_source.load_url(
            servers.file_url("disguised.csv"), tmp_path / "x.csv", cache_dir=cache, client=fast_client()
        )
    servers.files.add("image.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(OnlineSourceError, match=r"binary file \(image/png\)"):
        url_source.load_url(servers.file_url("image.png"), tmp_path / "y.csv", cache_dir=cache, client=fast_client())
    assert not (tmp_path / "login.csv").exists() and not (tmp_path / "x.csv").exists()


# ------------------------------------------------------------------- Downloads are complete or absent


def cache_files(cache: Path) -> list[str]:
    """The names of every file in the download cache (temporary ones included), sorted."""
    return sorted(path.name for path in cache.rglob("*") if path.is_file()) if cache.exists() else []


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.fixture
def oa_population(servers: OnlineServers, shared_data: Path) -> tuple[str, dict[str, str]]:
    """Nottingham's Census 2011 output-area populations (996 rows) served as /files/oa.csv, and their values."""
    table = shared_data / "nottingham" / "population" / "nottingham_oa11_population_census2011.csv"
    servers.files.add("oa.csv", "text/csv", table.read_bytes())
    return servers.file_url("oa.csv"), {row["OA11CD"]: row["usual_residents_2011"] for row in csv_rows(table)}


@pytest.mark.parametrize(
    ("kind", "times", "message"),
    [
        ("gzip_cut", 5, r"cut short \(the gzip data stops before its end, after [\d,]+ bytes\), after 3 tries\. The "
                        r"connection keeps breaking"),
        ("gzip_truncate", 5, r"cut short \([\d,]+ of [\d,]+ bytes arrived\), after 3 tries"),
        ("cut_row", 1, r"cut short: the CSV's last line \(500\) has 2 of its 4 columns and no line end\. Nothing was "
                       r"saved or cached: try again later"),
    ],
)  # fmt: skip
def test_a_cut_short_download_is_refused_and_not_cached(
    servers: OnlineServers, oa_population: tuple[str, dict[str, str]], tmp_path: Path, cache: Path, kind: str,
    times: int, message: str,
) -> None:  # fmt: skip
    """The issue's case: a gzip answer cut short (under a Content-Length that matches the cut) was saved as 985 of
    2,000 rows and cached. Now it is retried, then refused; nothing is cached or saved; the next good one is."""
    url, expected = oa_population
    servers.server.fail("oa.csv", kind, times)
    out = tmp_path / "oa.csv"
    with pytest.raises(OnlineSourceError, match=message) as refused:
        url_source.load_url(url, out, cache_dir=cache, client=fast_client())
    assert str(refused.value).startswith(f"{url}: ")
    assert cache_files(cache) == [] and not out.exists() and list(tmp_path.glob("*.csv")) == []
    servers.server.fail("oa.csv", "gzip")  # a good packed answer
    good = url_source.load_url(url, out, cache_dir=cache, client=fast_client())
    assert (good.rows, good.from_cache) == (996, False)
    assert {row["OA11CD"]: row["usual_residents_2011"] for row in csv_rows(out)} == expected
    assert [name.rsplit(".", 1)[1] for name in cache_files(cache)] == ["download", "json"]
    assert url_source.load_url(url, tmp_path / "again.csv", cache_dir=cache, client=fast_client()).from_cache


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("cut_in_quote", r"cut short: the CSV stops inside a quoted field on line \d+\. Nothing was saved or cached"),
        ("cut_row", r"cut short: the CSV's last line \(\d+\) has 2 of its 27 columns and no line end"),
    ],
)
def test_a_fingertips_csv_cut_short_is_refused_and_not_cached(
    servers: OnlineServers, shared_data: Path, tmp_path: Path, cache: Path, kind: str, message: str
) -> None:
    """The issue's case: a Fingertips CSV cut off in the middle of a quoted field was saved and cached."""
    servers.server.fail("by_indicator_id", kind)
    out = tmp_path / "imd.csv"
    with pytest.raises(OnlineSourceError, match=message) as refused:
        fingertips.load_fingertips([IMD_SCORE_INDICATOR], LSOA_AREA_TYPE, out, NOTTINGHAM,
                                   base_url=servers.fingertips_base, cache_dir=cache, client=fast_client())  # fmt: skip
    assert str(refused.value).startswith(f"{servers.fingertips_base}/all_data/csv/by_indicator_id?indicator_ids=990001")
    assert cache_files(cache) == [] and not out.exists() and list(tmp_path.iterdir()) == [cache] * cache.exists()
    good = fingertips.load_fingertips(
        [IMD_SCORE_INDICATOR],
        LSOA_AREA_TYPE,
        out,
        NOTTINGHAM,
        base_url=servers.fingertips_base,
        cache_dir=cache,
        client=fast_client(),
    )
    published = {
        row["lsoa21_code"]: row["IMD_score"]
        for row in csv_rows(shared_data / "nottingham" / "deprivation" / "nottingham_imd2025_lsoa21.csv")
    }
    rows = csv_rows(out)
    assert good.rows == len(published) == 179 and not good.from_cache
    assert {row["Area Code"]: row["Value"] for row in rows} == published
    assert {row["Value note"] for row in rows} == {SCORE_NOTE}
    assert [name.rsplit(".", 1)[1] for name in cache_files(cache)] == ["download", "json"]


def test_a_nomis_page_cut_inside_a_quote_is_refused(servers: OnlineServers, tmp_path: Path, cache: Path) -> None:
    """A later page cut short used to add a half row whose count then matched RECORD_COUNT."""
    servers.server.fail("RecordOffset=500", "cut_in_quote")
    out = tmp_path / "oa.csv"
    with pytest.raises(OnlineSourceError, match=r"NM_144_1\.data\.csv\?geography=TYPE299: the download was cut short: "
                                                r"the CSV stops inside a quoted field"):  # fmt: skip
        nomis.load_nomis("NM_144_1", "TYPE299", out, base_url=servers.nomis_base, cache_dir=cache,
                         client=fast_client())  # fmt: skip
    assert cache_files(cache) == [] and not out.exists()
    good = nomis.load_nomis("NM_144_1", "TYPE299", out, base_url=servers.nomis_base, cache_dir=cache,
                            client=fast_client())  # fmt: skip
    assert good.rows == 1112 and len(cache_files(cache)) == 2


def test_a_geojson_refused_as_invalid_json_is_not_cached(
    servers: OnlineServers, shared_data: Path, tmp_path: Path, cache: Path
) -> None:
    """The issue's case: a download refused as invalid JSON stayed in the cache and was reused for 30 days."""
    boundaries = shared_data / "rutland" / "boundaries" / "rutland_lsoa21.geojson"
    servers.files.add("lsoa.geojson", "application/geo+json", boundaries.read_bytes())
    url = servers.file_url("lsoa.geojson")
    servers.server.fail("lsoa.geojson", "invalid_json")
    with pytest.raises(OnlineSourceError, match=r"lsoa\.geojson: the file is not valid JSON .*cut short"):
        url_source.load_url(url, tmp_path / "lsoa.geojson", cache_dir=cache, client=fast_client())
    assert cache_files(cache) == [] and not (tmp_path / "lsoa.geojson").exists()
    good = url_source.load_url(url, tmp_path / "lsoa.geojson", cache_dir=cache, client=fast_client())
    assert (good.kind, good.rows, good.from_cache) == ("geojson", 26, False)
    assert geojson_codes(good.path, "LSOA21CD") == geojson_codes(boundaries, "LSOA21CD")
    # An entry an older version cached although it was broken is dropped and downloaded again.
    entry = next(path for path in (cache / "tables").iterdir() if path.suffix == ".download")
    entry.write_bytes(boundaries.read_bytes()[:1000])
    servers.server.clear()
    healed = url_source.load_url(url, tmp_path / "again.geojson", cache_dir=cache, client=fast_client())
    assert (healed.rows, healed.from_cache) == (26, False) and len(servers.server.requests_to("lsoa.geojson")) == 1
    assert entry.read_bytes() == boundaries.read_bytes()


def test_a_server_dripping_one_byte_a_second_is_stopped_at_the_deadline(
    servers: OnlineServers, oa_population: tuple[str, dict[str, str]], tmp_path: Path, cache: Path
) -> None:
    """Each byte comes within the 3 s timeout, so only the overall deadline stops it (no "no answer within 3 s")."""
    url, _ = oa_population
    servers.server.fail("oa.csv", "trickle", seconds=1.0)
    client = HttpClient(options=HttpOptions(timeout=3.0, deadline=2.5), retries=2, backoff=0.01)
    before = set(threading.enumerate())
    start = time.monotonic()
    with pytest.raises(DeadlineError) as stopped:
        url_source.load_url(url, tmp_path / "oa.csv", cache_dir=cache, client=client)
    assert time.monotonic() - start < 3.5
    workers = [thread for thread in set(threading.enumerate()) - before if thread.name == "lis-http"]
    for worker in workers:  # the transfer blocked on the dripping server is ended, not left reading
        worker.join(1.0)
    assert not any(worker.is_alive() for worker in workers)
    message = str(stopped.value)
    assert re.fullmatch(
        rf"{re.escape(url)}: the download did not finish within 2\.5 s, the longest LIS waits for one download "
        r"\([\d,]+ of 40,886 bytes had arrived\)\. The server is answering very slowly: try again later, or raise "
        r"the download deadline \(setting lis/online/downloadDeadline, in seconds\)\.",
        message,
    ), message
    assert "no answer within" not in message and len(servers.server.requests_to("oa.csv")) == 1  # not retried
    assert cache_files(cache) == [] and not (tmp_path / "oa.csv").exists()
    assert url_source.load_url(url, tmp_path / "oa.csv", cache_dir=cache, client=client).rows == 996
    assert len(cache_files(cache)) == 2


@pytest.mark.parametrize(
    ("kind", "said"),
    [("", r"the server announces [\d,]+ bytes"), ("no_length", "more than that arrived"), ("gzip", "unpacked")],
)
def test_a_download_larger_than_allowed_is_refused(
    servers: OnlineServers, oa_population: tuple[str, dict[str, str]], tmp_path: Path, cache: Path, kind: str,
    said: str,
) -> None:  # fmt: skip
    url, _ = oa_population
    size = len(servers.files.files["oa.csv"][1])
    packed = len(gzip.compress(servers.files.files["oa.csv"][1]))
    limit = (packed + size) // 2  # the packed answer fits, the unpacked table does not
    if kind:
        servers.server.fail("oa.csv", kind)
    client = HttpClient(options=HttpOptions(max_bytes=limit), retries=2, backoff=0.01)
    expected = rf"^{re.escape(url)}: the download is larger than the {limit:,} bytes LIS accepts \({said}\)\. Ask for "
    with pytest.raises(HttpError, match=expected + r"less .*lis/online/maxDownloadMB\)\.$"):
        url_source.load_url(url, tmp_path / "oa.csv", cache_dir=cache, client=client)
    assert len(servers.server.requests_to("oa.csv")) == 1  # not retried
    assert cache_files(cache) == [] and not (tmp_path / "oa.csv").exists()
    assert url_source.load_url(url, tmp_path / "oa.csv", cache_dir=cache, client=fast_client()).rows == 996
    assert len(cache_files(cache)) == 2


def test_a_redirect_loop_is_a_message(
    servers: OnlineServers, oa_population: tuple[str, dict[str, str]], tmp_path: Path, cache: Path
) -> None:
    url, _ = oa_population
    servers.server.fail("oa.csv", "redirect_loop", times=100)
    with pytest.raises(HttpError, match=rf"^{re.escape(url)}: the server sent LIS on to another address more than 4 "
                                        r"times, the last time to /files/oa\.csv: a redirect loop\. Open the address "
                                        r"in a browser"):  # fmt: skip
        client = HttpClient(options=HttpOptions(max_redirects=4), retries=2, backoff=0.01)
        url_source.load_url(url, tmp_path / "oa.csv", cache_dir=cache, client=client)
    assert len(servers.server.requests_to("oa.csv")) == 5  # the first request and 4 redirects, not retried
    assert cache_files(cache) == [] and not (tmp_path / "oa.csv").exists()
    servers.server.clear()
    assert url_source.load_url(url, tmp_path / "oa.csv", cache_dir=cache, client=fast_client()).rows == 996
    assert len(cache_files(cache)) == 2


def test_an_output_that_cannot_be_written_is_refused_before_the_download(
    servers: OnlineServers, tmp_path: Path
) -> None:
    servers.files.add("early.csv", "text/csv", b"code,value\nE06000017,1\n")
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    cache = tmp_path / "cache"
    with pytest.raises(OutputError, match=r"notes\.txt' is a file, not a folder"):
        url_source.load_url(servers.file_url("early.csv"), tmp_path / "notes.txt" / "early.csv", cache_dir=cache,
                            client=fast_client())  # fmt: skip
    assert servers.server.requests_to("early.csv") == []  # refused before anything was asked of the server
    assert not cache.exists() or not any(cache.rglob("*.*"))
