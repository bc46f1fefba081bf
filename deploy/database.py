"""The cluster's own database (deploy/services.py) on the running PostgreSQL server: named for
the cluster's folder, made afresh at start, dropped at stop (and by `make cluster-stop` after a
killed cluster, from the name recorded in its folder)."""

import hashlib
from pathlib import Path

import psycopg
from psycopg import sql

from deploy import run_folder
from deploy.processes import ClusterError

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"


def own_database(run_dir, prefix="trdsite_cluster"):
    """The database of the cluster run from `run_dir`, named for that folder: every checkout
    (and test run) has its own, since a cluster drops its database at start and stop."""
    folder = str(Path(run_dir).resolve())
    return f"{prefix}_{hashlib.sha256(folder.encode()).hexdigest()[:10]}"


class ClusterDatabase:
    """Cluster's database methods: its `database` on `database_server`, recorded in `run_dir`."""

    def server_connection(self):
        try:
            return psycopg.connect(f"{self.database_server}/postgres", autocommit=True)
        except psycopg.OperationalError as error:
            raise ClusterError(
                f"PostgreSQL at {self.database_server} can't be reached ({error}); start it, "
                "or name another server in DATABASE_URL."
            ) from None

    def create_database(self, name=None):
        if name is None:  # recorded first: a cluster killed from here on leaves it to drop
            run_folder.record_database(self.run_dir, self.database_server, self.database)
        with self.server_connection() as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name or self.database)
                )
            )
            server.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name or self.database))
            )

    def drop_database(self, name):
        with self.server_connection() as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        if name == self.database:
            run_folder.forget_database(self.run_dir)

    def exists(self):
        with self.server_connection() as server:
            found = server.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.database]
            ).fetchone()
        return found is not None
