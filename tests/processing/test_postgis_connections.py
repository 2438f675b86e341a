"""STORE = pg:<QGIS connection> / pg:service=<name>: a team's saved connection, its credentials from QGIS.

Each case runs in its own QGIS process with a throwaway profile (its settings and authentication database
under tmp_path), where a PostgreSQL connection to the throwaway test server is saved as a user saves one:
with the user name and password stored in it, or with an authentication configuration (authcfg) of
QGIS's authentication manager. Through ``store_parameters.store_location("pg:...")`` Rutland's published
IMD 2019 decile then goes into the store and comes back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgis_server import DATABASE, PASSWORDS, WRITER, PostgisServer
from tests.support import REPO

#: A user's QGIS, scripted: save the connections, then resolve each STORE text and use the store.
QGIS_SCRIPT = """
import json, sys
request = json.loads(sys.argv[1])
sys.path.insert(0, request["repo"])
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsProviderRegistry
app = QgsApplication([], False)
app.initQgis()
auth = QgsApplication.authManager()
assert auth.setMasterPassword("test-master-password", True)
config = QgsAuthMethodConfig("Basic")
config.setName("LIS team login")
config.setConfig("username", request["user"])
config.setConfig("password", request["password"])
stored, config = auth.storeAuthenticationConfig(config)
assert stored
metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
server = f"host=127.0.0.1 port={request['port']} dbname='{request['database']}' sslmode=disable"
with_password = metadata.createConnection(
    f"{server} user='{request['user']}' password='{request['password']}'", {"saveUsername": True, "savePassword": True}
)
metadata.saveConnection(with_password, "LIS team")
with_authcfg = metadata.createConnection(f"{server} authcfg={config.id()}", {})
metadata.saveConnection(with_authcfg, "LIS team (auth manager)")

from lis_qgis_plugin.core.common.errors import LisError
from lis_qgis_plugin.core.store.store_values import CatalogueEntry, IndicatorValue, add_values, values_at
from lis_qgis_plugin.processing.store_parameters import store_location

answers = {}
for text in request["texts"]:
    try:
        location = store_location(text)
        rows = [IndicatorValue(code, "2019", value) for code, value in request["values"].items()]
        added = add_values(location, CatalogueEntry("imd2019_decile", "IMD 2019 decile"), rows)
        answers[text] = {
            "schema": location.schema, "label": location.label, "shown": str(location),
            "new": added.new_rows, "values": values_at(location, "imd2019_decile"),
        }
    except LisError as error:
        answers[text] = {"error": str(error)}
print(json.dumps(answers))
app.exitQgis()
"""


def resolve_in_qgis(server: PostgisServer, folder: Path, texts: list[str], values: dict[str, float]) -> dict[str, dict]:
    """Run QGIS_SCRIPT in a fresh profile under ``folder``; each STORE text's answer."""
    service_file = folder / "pg_service.conf"
    service_file.write_text(
        f"[lis_team]\nhost=127.0.0.1\nport={server.port}\ndbname={DATABASE}\nuser={WRITER}\n"
        f"password={PASSWORDS[WRITER]}\n",
        encoding="utf-8",
    )
    request = {
        "repo": str(REPO),
        "port": server.port,
        "database": DATABASE,
        "user": WRITER,
        "password": PASSWORDS[WRITER],
        "texts": texts,
        "values": values,
    }
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QGIS_CUSTOM_CONFIG_PATH": str(folder / "profile"),  # settings and auth db: throwaway
        "QGIS_AUTH_DB_DIR_PATH": str(folder / "profile"),
        "PGSERVICEFILE": str(service_file),
    }
    run = subprocess.run(
        [sys.executable, "-c", QGIS_SCRIPT, json.dumps(request)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def rutland_deciles(shared_data: Path) -> dict[str, float]:
    """Rutland's 23 LSOAs and their published IMD 2019 decile, read with csv."""
    from tests.support import csv_rows

    rows = csv_rows(shared_data / "rutland" / "deprivation" / "rutland_imd2019_file1.csv")
    return {row["LSOA code (2011)"]: float(row["Index of Multiple Deprivation (IMD) Decile"]) for row in rows}


def test_saved_connections_and_services_resolve_with_their_credentials(
    postgis_server: PostgisServer, tmp_path: Path, rutland_deciles: dict[str, float]
) -> None:
    auth_schema, service_schema = postgis_server.fresh_schema(), postgis_server.fresh_schema()
    texts = [
        "pg:LIS team",
        f"pg:LIS team (auth manager)|schema={auth_schema}",
        f"pg:service=lis_team | schema={service_schema}",
    ]
    answers = resolve_in_qgis(postgis_server, tmp_path, texts, rutland_deciles)
    assert [answers[text].get("error") for text in texts] == [None, None, None]
    assert [(answers[text]["label"], answers[text]["schema"]) for text in texts] == [
        ("LIS team", "lis"),
        ("LIS team (auth manager)", auth_schema),
        ("service lis_team", service_schema),
    ]
    for text in texts:
        assert answers[text]["new"] == len(rutland_deciles) == 23
        assert answers[text]["values"] == rutland_deciles
        assert PASSWORDS[WRITER] not in answers[text]["shown"] + answers[text]["label"]
    assert answers[texts[0]]["shown"] == "PostGIS store LIS team (schema lis)"
    # Each went into its own schema of the server (read with psycopg2, not the plugin).
    for schema in ("lis", auth_schema, service_schema):
        counted = postgis_server.run_sql(
            f'SELECT count(*), min(value), max(value) FROM "{schema}".lis_values WHERE indicator_id = %s',
            ("imd2019_decile",),
        )
        assert counted == [(23, min(rutland_deciles.values()), max(rutland_deciles.values()))]


def test_unknown_connections_and_options_are_refused_by_name(
    postgis_server: PostgisServer, tmp_path: Path, rutland_deciles: dict[str, float]
) -> None:
    texts = ["pg:LIS teem", "pg:LIS team|colour=red", "pg:|schema=lis", "pg:LIS team|schema=bad name"]
    answers = resolve_in_qgis(postgis_server, tmp_path, texts, rutland_deciles)
    assert answers["pg:LIS teem"]["error"] == (
        'pg:LIS teem: there is no saved PostgreSQL connection "LIS teem" (saved: LIS team, LIS team (auth manager)). '
        "Save it in the Browser (PostgreSQL > New Connection), or check the name."
    )
    assert answers["pg:LIS team|colour=red"]["error"].startswith(
        'pg:LIS team|colour=red: "colour=red" is not understood'
    )
    assert answers["pg:|schema=lis"]["error"].startswith("pg:|schema=lis: no connection is named")
    assert answers["pg:LIS team|schema=bad name"]["error"] == (
        '"bad name" is not a usable schema name: use letters, digits and _ only.'
    )
