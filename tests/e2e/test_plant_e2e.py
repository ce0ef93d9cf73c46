# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The whole suite at work: Odoo as a server with the queue_job runner, the PLM,
MES, scheduler and QMS simulators talking to it over signed HTTP, the final
state read through Odoo's external API. A second run is killed in the middle of
the shop-floor events and started again: it ends in the same state."""

import os
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from e2e_browser import Browser, chromium_path, odoo_session
from e2e_odoo_server import free_ports
from e2e_plant_state import (
    assert_every_message_accounted_for,
    plant_messages,
    plant_state,
)

from simulators import scenario

pytestmark = pytest.mark.e2e

BOM_A = (
    ("PLANT-HOUSING", 1.0),
    ("PLANT-IMPELLER", 1.0),
    ("PLANT-SCREW", 6.0),
    ("PLANT-SEAL", 1.0),
)
BOM_B = (
    ("PLANT-GASKET", 2.0),
    ("PLANT-HOUSING", 1.0),
    ("PLANT-IMPELLER", 1.0),
    ("PLANT-SCREW", 8.0),
)


@pytest.fixture(scope="module")
def normal_run(start_plant):
    started = time.time()
    server, plant = start_plant("run")
    plant.run_scenario()
    return server, plant, plant_state(plant), time.time() - started


def test_engineering_change_brings_bom_revision_b(normal_run):
    _server, plant, state, _duration = normal_run
    assert state["boms"] == [("A", False, BOM_A), ("B", True, BOM_B)]
    change = plant.rpc.search_read(
        "mfg.plm.change",
        [("change_number", "=", scenario.CHANGE_NUMBER), ("release_type", "=", "bom")],
        ["state", "diff_summary", "revision"],
    )
    assert [(c["state"], c["revision"]) for c in change] == [("applied", "B")]
    assert change[0]["diff_summary"]  # the BOM diff a reviewer reads


def test_orders_stock_and_quality_end_as_the_shop_floor_reported(normal_run):
    _server, _plant, state, _duration = normal_run
    assert state["orders"] == {
        "frozen": ("done", 2.0, "lot:frozen", "B"),
        "second": ("done", 2.0, "lot:second", "B"),
        "broken": ("progress", 0.0, False, "B"),
        "planned": ("confirmed", 0.0, False, "B"),
    }
    internal = {k: v for k, v in state["stock"].items() if k[2].startswith("WH/")}
    assert internal == {
        # the frozen MO's lot failed inspection, went to quarantine, was released
        ("PLANT-PUMP", "lot:frozen", "WH/Stock"): 2.0,
        ("PLANT-PUMP", "lot:second", "WH/Stock"): 2.0,
        ("PLANT-HOUSING", "", "WH/Stock"): 96.0,
        ("PLANT-IMPELLER", "IMP-L1", "WH/Stock"): 96.0,
        ("PLANT-SCREW", "", "WH/Stock"): 1000.0 - 2 * 16 - 2,  # 2 scrapped
        ("PLANT-GASKET", "", "WH/Stock"): 192.0,
        ("PLANT-SEAL", "", "WH/Stock"): 50.0,  # revision B no longer uses it
    }
    assert state["nonconformances"] == [("closed", 2.0, 2.0, "frozen", "lot:frozen")]
    assert state["maintenance_requests"]  # the press that caused the failure


def test_schedule_applies_except_the_frozen_order(normal_run):
    _server, plant, state, _duration = normal_run
    outcomes = Counter((mo, outcome) for mo, _wo, outcome in state["schedule_lines"])
    assert outcomes == Counter(
        {
            ("frozen", "refused_frozen"): 3,
            ("second", "applied"): 3,
            ("broken", "applied"): 3,
            ("planned", "applied"): 3,
        }
    )
    # the order the MES never touched carries exactly the schedule's dates
    schedule = plant.aps.published[-1]
    planned = plant.orders["planned"]
    expected = {
        a["workorder"]: (a["start"], a["end"])
        for a in schedule["assignments"]
        if a["mo"] == planned
    }
    workorders = plant.rpc.search_read(
        "mrp.workorder",
        [("production_id.name", "=", planned)],
        ["name", "date_start", "date_finished"],
    )
    assert {
        wo["name"]: (
            wo["date_start"].replace(" ", "T") + "Z",
            wo["date_finished"].replace(" ", "T") + "Z",
        )
        for wo in workorders
    } == expected
    summaries = [s for model, mo, s in state["activities"] if mo == "frozen"]
    assert any("refused" in s for s in summaries), state["activities"]


def test_every_message_is_done_or_failed_with_an_activity(normal_run):
    _server, plant, state, _duration = normal_run
    assert_every_message_accounted_for(plant)
    failed = [
        k for k, n in state["messages"].items() if k[2] == "failed" for _ in range(n)
    ]
    assert failed == [("inbound", "mes.material.consumed", "failed")]
    assert (
        "mrp.production",
        "broken",
        "mes.material.consumed failed (validation)",
    ) in state["activities"]


def test_odoo_logged_no_error(normal_run):
    server, _plant, _state, duration = normal_run
    assert not server.errors(), "\n".join(server.errors())
    assert duration < 240, f"the scenario took {duration:.0f}s"


def test_screenshots_of_the_suite_at_work(normal_run, tmp_path):
    """The dashboard, a failed message, the engineering change with its BOM diff
    and the schedule's outcome, in headless Chromium. MFG_E2E_SCREENSHOTS=<dir>
    keeps them there (docs/screenshots for the README)."""
    if not chromium_path():
        pytest.skip("no chromium to take screenshots with")
    server, plant, _state, _duration = normal_run
    out = Path(os.environ.get("MFG_E2E_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    rpc = plant.rpc
    (failed,) = [m for m in plant_messages(plant) if m["state"] == "failed"]
    (change,) = rpc.search_read(
        "mfg.plm.change",
        [("change_number", "=", scenario.CHANGE_NUMBER), ("release_type", "=", "bom")],
        ["id"],
    )
    (schedule,) = rpc.search_read(
        "mfg.scheduler.schedule",
        [("connector_id.code", "=", "plant-aps")],
        ["id"],
        order="version desc, id desc",
        limit=1,
    )
    pages = [
        (
            "dashboard",
            "/odoo/action-mfg_integration_base.mfg_connector_dashboard_action",
            ".o_kanban_record",
        ),
        (
            "message",
            f"/odoo/action-mfg_integration_base.mfg_sync_message_action/{failed['id']}",
            ".o_form_view .o_field_widget[name=error_text]",
        ),
        (
            "engineering_change",
            f"/odoo/action-plm_connector.mfg_plm_change_action/{change['id']}",
            ".o_form_view .o_field_widget[name=diff_ids] .o_data_row",
        ),
        (
            "schedule",
            f"/odoo/action-scheduler_connector.mfg_scheduler_schedule_action/{schedule['id']}",
            ".o_form_view .o_field_widget[name=line_ids] .o_data_row",
        ),
    ]
    browser = Browser(free_ports(1))
    try:
        browser.login(server.url, odoo_session(server.url, server.db))
        for name, path, ready in pages:
            height = 1080 if name == "engineering_change" else 900
            png = browser.screenshot(
                server.url + path, out / f"{name}.png", ready, height=height
            )
            assert png.stat().st_size > 20_000, name  # a page, not a blank
    finally:
        browser.close()


def test_killed_in_the_middle_it_ends_in_the_same_state(normal_run, start_plant):
    _server, _plant, expected, _duration = normal_run
    server, plant = start_plant("restart")
    plant.phase_plm()
    plant.phase_orders()
    plant.phase_schedule()
    shop_floor = threading.Thread(target=plant.phase_shop_floor)
    shop_floor.start()
    deadline = time.time() + 60
    while len(plant.mes.sent) < 8 and time.time() < deadline:
        time.sleep(0.1)
    server.kill()  # SIGKILL: no clean shutdown, jobs and requests cut short
    time.sleep(1)
    server.start()
    shop_floor.join(300)
    plant.wait_settled()
    assert plant_state(plant) == expected
    assert_every_message_accounted_for(plant)
