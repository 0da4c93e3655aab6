"""Where the embedded mode keeps each service's database: a server of its own per service, except in a data
directory from before, whose one shared server (and its data) every service goes on using."""

from __future__ import annotations

from pathlib import Path

from subgraphs.kernel.embedded_mongo import database_dir


def test_a_new_data_directory_gives_each_service_its_own(tmp_path: Path) -> None:
    assert database_dir(tmp_path, "tickets") == tmp_path / "databases" / "tickets"
    assert database_dir(tmp_path, "chat") == tmp_path / "databases" / "chat"


def test_a_data_directory_from_before_keeps_its_shared_database(tmp_path: Path) -> None:
    (tmp_path / "mongodb" / "db").mkdir(parents=True)
    assert {database_dir(tmp_path, s) for s in ("users", "tickets", "chat")} == {tmp_path / "mongodb"}
