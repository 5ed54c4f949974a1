"""Bulk inserts (qinglang.db): IDs reserved for several tables in one go are the IDs the rows get."""

from __future__ import annotations

from sqlalchemy import select

from qinglang.db import insert_rows, reserve_ids, utcnow
from qinglang.notices.models import Notice
from qinglang.policy.models import Decision
from tests.identity.builders import publisher


def test_rows_get_the_ids_reserved_for_them_and_each_table_its_own(client, db) -> None:
    author = publisher(client)
    reserved = reserve_ids(db, {Notice.__table__: 3, Decision.__table__: 0})
    if db.get_bind().dialect.name != "postgresql":
        assert reserved == {}, "SQLite hands out IDs as it inserts"
    else:
        assert list(reserved) == ["notices"] and len(set(reserved["notices"])) == 3
        assert reserved["notices"] == sorted(reserved["notices"])
    rows = [dict(account_id=author.id, kind="test", title=f"n{n}", body="", data={}, dedupe_key=f"k{n}",
                 created_at=utcnow(), read_at=None) for n in range(3)]
    ids = insert_rows(db, Notice.__table__, rows, reserved=reserved)
    if reserved:
        assert ids == reserved["notices"]
    stored = dict(db.execute(select(Notice.id, Notice.title).where(Notice.id.in_(ids))).all())
    assert stored == {ids[0]: "n0", ids[1]: "n1", ids[2]: "n2"}
