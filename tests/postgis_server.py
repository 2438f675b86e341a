"""A throwaway PostgreSQL/PostGIS cluster for the tests: initdb into a temporary folder, a free loopback port.

The cluster has one database with PostGIS, a writer role (may create schemas) and a reader role (may only
read what it is granted). The superuser reaches it over the unix socket in the cluster's folder (trust);
the roles log in over TCP with a password, as a team's analysts would. PostgreSQL refuses to run as root,
so under root the server runs as the ``postgres`` user, in a folder of its own in the system's temporary
folder that stop() deletes.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lis_qgis_plugin.core.store.store_location import PostgisStore, StoreLocation

DATABASE = "lis_test"
WRITER = "lis_writer"
READER = "lis_reader"
#: Test-only passwords of the throwaway cluster's roles.
PASSWORDS = {WRITER: "writer-secret-7Q", READER: "reader-secret-4K"}


def postgres_bin_dir() -> Path:
    """The folder of initdb and pg_ctl: pg_config's, else the newest /usr/lib/postgresql/<version>/bin."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if found and (Path(found) / "initdb").exists():
            return Path(found)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if not candidates:
        raise RuntimeError("PostgreSQL is not installed (no initdb): run `make setup` (scripts/setup.sh) first.")
    return Path(candidates[-1]).parent


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """The command as the postgres user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _cluster_folder(folder: Path) -> tuple[Path, bool]:
    """Where the cluster goes, and whether it is ours to delete at the end.

    Under root, a folder of the postgres user directly in the system's temporary folder: pytest's folders
    are private to root, and pytest makes them private again whenever any session starts (another run's
    start would lock the server out of its own files).
    """
    if os.geteuid() != 0:
        folder.mkdir(parents=True, exist_ok=True)
        return folder, False
    private = Path(tempfile.mkdtemp(prefix="lis-postgis-"))
    shutil.chown(private, user="postgres", group="postgres")
    return private, True


@dataclass
class PostgisServer:
    """One running throwaway cluster."""

    folder: Path
    port: int
    bin_dir: Path
    _schemas: Any = field(default_factory=lambda: itertools.count(1))
    #: Whether stop() deletes the folder (made outside pytest's folders).
    delete_folder: bool = False

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def conninfo(self, role: str, password: str | None = None) -> str:
        """A libpq connection string for a role over TCP (its own password unless another is given)."""
        secret = PASSWORDS[role] if password is None else password
        return f"host=127.0.0.1 port={self.port} dbname={DATABASE} user={role} password={secret}"

    def store(self, schema: str, role: str = WRITER) -> PostgisStore:
        """A PostGIS store in one schema of the test database, reached as ``role``."""
        return PostgisStore(self.conninfo(role), schema, label=f"test server ({role})")

    def fresh_schema(self) -> str:
        """A schema name no test used yet in this session."""
        return f"store_{os.getpid()}_{next(self._schemas)}"

    def admin(self) -> Any:
        """A superuser connection (autocommit) over the cluster's unix socket."""
        import psycopg2

        connection = psycopg2.connect(host=str(self.folder), port=self.port, dbname=DATABASE, user="postgres")
        connection.autocommit = True
        return connection

    def run_sql(self, statement: str, parameters: tuple = ()) -> list[tuple]:
        """Run one statement as the superuser; its rows (empty when it returns none)."""
        connection = self.admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, parameters)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def grant_read(self, schema: str) -> None:
        """Give the reader SELECT on everything the writer made in the schema (as a team's DBA would)."""
        self.run_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO {READER}')
        self.run_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {READER}')

    def stop(self) -> None:
        """Stop the server at once (the cluster is thrown away)."""
        subprocess.run(
            _as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        if self.delete_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_postgis_server(folder: Path) -> PostgisServer:
    """initdb, start on a free port, create the database with PostGIS and the two roles."""
    bin_dir = postgres_bin_dir()
    folder, delete_folder = _cluster_folder(folder)
    server = PostgisServer(folder, 0, bin_dir, delete_folder=delete_folder)
    try:
        _run_as_server_user(
            "initdb",
            [str(bin_dir / "initdb"), "-D", str(server.data_dir), "-U", "postgres", "--auth-local=trust"]
            + ["--auth-host=scram-sha-256", "--encoding=UTF8", "--no-sync"],
        )
        _start_on_a_free_port(server)
        _create_database(server)
    except BaseException:
        server.stop()
        raise
    return server


def _run_as_server_user(what: str, command: list[str]) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program as the server's user; RuntimeError with its output when it fails."""
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{what} failed: {done.stdout}\n{done.stderr}")
    return done


def _start_on_a_free_port(server: PostgisServer) -> None:
    """pg_ctl start on a free loopback port, trying another when the port was taken meanwhile."""
    log = server.folder / "server.log"
    for attempt in range(3):
        server.port = free_port()
        options = f"-p {server.port} -k {server.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        try:
            _run_as_server_user(
                "PostgreSQL's start",
                [str(server.bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-l", str(log), "-w", "-t", "60"]
                + ["-o", options, "start"],
            )
            return
        except RuntimeError as error:
            if attempt == 2:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"{error}\n{tail}") from error
            time.sleep(0.5)


def _create_database(server: PostgisServer) -> None:
    """The test database with PostGIS, a writer who may create schemas and a reader who may not."""
    import psycopg2

    connection = psycopg2.connect(host=str(server.folder), port=server.port, dbname="postgres", user="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {DATABASE}")
        for role, password in PASSWORDS.items():
            cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", (password,))
    connection.close()
    server.run_sql("CREATE EXTENSION postgis")
    server.run_sql(f"GRANT CREATE ON DATABASE {DATABASE} TO {WRITER}")
    server.run_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")  # as on a hardened server


def store_rows(location: StoreLocation, sql: str, parameters: tuple = ()) -> list[tuple]:
    """Run one statement on a store with the database's own driver (not the plugin); its rows, committed.

    ``?`` placeholders on both; on PostGIS the statement runs inside the store's schema.
    """
    if isinstance(location, PostgisStore):
        import psycopg2

        connection = psycopg2.connect(location.conninfo)
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'SET search_path TO "{location.schema}"')
                cursor.execute(sql.replace("?", "%s"), parameters)
                rows = cursor.fetchall() if cursor.description else []
            connection.commit()
            return rows
        finally:
            connection.close()
    plain = sqlite3.connect(location)
    try:
        with plain:
            return plain.execute(sql, parameters).fetchall()
    finally:
        plain.close()
