"""Statuses are computed once per change of the data (services.status_cache), never served stale."""

from __future__ import annotations

from targetboard.services import observations, plans, status_cache, tracking
from targetboard.services.actors import Actor
from targetboard.store import Database


def sales(db: Database):
    return next(r for r in tracking.target_statuses(db, region="扬中市", year=2022) if r.metric == "工业应税销售")


def test_a_second_read_reuses_the_computation_and_a_write_recomputes(tracked_url):
    db = Database(tracked_url)
    first = tracking.target_statuses(db, region="扬中市", year=2022)
    again = tracking.target_statuses(db, region="扬中市", year=2022)
    assert again is not first and all(a is b for a, b in zip(again, first, strict=True))  # same rows, own list
    again.clear()  # a caller changing its list changes nothing for the next one
    assert len(tracking.target_statuses(db, region="扬中市", year=2022)) == len(first)
    tree = plans.show_plans(db, region="扬中市", year=2022)
    version = status_cache.data_version(db)
    csv = "地区,指标,时期,累计,数值,单位\n扬中市,工业应税销售,2022M12,是,900,亿元\n".encode()
    observations.import_observations(db, Actor("office", "supervisor"), csv, filename="更正.csv")
    assert status_cache.data_version(db) > version
    assert sales(db).status.latest_value == 900  # recomputed after the write
    node = next(n for n in plans.show_plans(db, region="扬中市", year=2022)[0].nodes
                if n.kind == "target" and n.metric == "工业应税销售")
    assert node.status is not None and node.status.latest_value == 900
    assert plans.show_plans(db, region="扬中市", year=2022)[0] is not tree[0]
    db.dispose()


def test_the_key_separates_databases_and_periods(tracked_url, db_url):
    db = Database(tracked_url)
    june = tracking.target_statuses(db, region="扬中市", year=2022, as_of="2022M06")
    year = tracking.target_statuses(db, region="扬中市", year=2022)
    assert [r.status.latest_period for r in june if r.status and r.status.latest_period] != \
        [r.status.latest_period for r in year if r.status and r.status.latest_period]
    db.dispose()


def test_many_small_entries_do_not_push_out_the_plan_views(tracked_url):
    """Target pages cache one entry per target ("item"); a county's 300 of them must not evict the plan
    trees ("view"), or every plan page after a round of target pages would recompute its tree."""
    db = Database(tracked_url)
    tree = plans.show_plans(db, region="扬中市", year=2022)
    for i in range(status_cache.MAX_ENTRIES["view"] * 3):
        assert status_cache.cached(db, ("test-item", i), lambda i=i: i * 2, size="item") == i * 2
    assert plans.show_plans(db, region="扬中市", year=2022)[0] is tree[0]
    assert status_cache.cached(db, ("test-item", 5), lambda: -1, size="item") == 10  # kept, not recomputed
    db.dispose()


def test_one_version_is_a_snapshot_for_a_read(tracked_url):
    """A read-only request pins the version (`one_version`, the web app's `ReadSnapshot`): its reads see
    one state of the data even if a write lands meanwhile; the next read sees the write."""
    db = Database(tracked_url)
    csv = "地区,指标,时期,累计,数值,单位\n扬中市,工业应税销售,2022M12,是,900,亿元\n".encode()
    with status_cache.one_version():
        before = sales(db)
        observations.import_observations(db, Actor("office", "supervisor"), csv, filename="更正.csv")
        assert sales(db) is before and before.status.latest_value != 900
    assert sales(db).status.latest_value == 900
    db.dispose()
