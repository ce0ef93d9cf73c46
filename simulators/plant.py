# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo plant: the four simulators, Odoo's set-up and the scenario.

    python3 -m simulators.plant --odoo-url http://127.0.0.1:8069 --db mfg_demo

starts the PLM, MES, scheduler and QMS simulators on 127.0.0.1 (``--base-port``
and the three next ports), sets Odoo up for them (``setup_odoo``), runs the
scenario once, then keeps a slow trickle of new MOs going so that the dashboard
stays alive, until Ctrl-C (or SIGTERM), which stops the simulators and nothing
else. ``--once`` stops after the scenario; ``--setup-only`` after the set-up.
"""

import argparse
import logging
import signal
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from requests import RequestException

from . import scenario, setup_odoo
from .mes import MesSimulator
from .odoo_rpc import OdooRpc, OdooRpcError, wait_http
from .plm import PlmSimulator
from .qms import QmsSimulator
from .scheduler import SchedulerSimulator

_logger = logging.getLogger("simulators.plant")

OPEN_STATES = ("received", "queued", "parked")


def _now():
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _odoo_dt(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


class Plant:
    def __init__(self, odoo_url, db, login="admin", password="admin", base_port=0):
        port = (lambda i: base_port + i) if base_port else (lambda i: 0)
        self.odoo_url = odoo_url
        self.rpc = OdooRpc(odoo_url, db, login, password)
        self.plm = PlmSimulator(port(1))
        self.mes = MesSimulator(port(2))
        self.aps = SchedulerSimulator(port(3))
        self.qms = QmsSimulator(port(4))
        self.systems = {
            "plm": self.plm,
            "mes": self.mes,
            "scheduler": self.aps,
            "quality": self.qms,
        }
        self.connectors = {}
        self.master = {}
        self.orders = {}  # scenario key -> MO name
        self._stop = threading.Event()

    # ------------------------------------------------------------ lifecycle
    def start(self):
        for system in self.systems.values():
            system.start()
            _logger.info("%s simulator on %s", system.kind, system.base_url)
        return self

    def stop(self):
        self._stop.set()
        for system in self.systems.values():
            system.stop()

    def setup(self):
        self.rpc.authenticate()
        self.master = setup_odoo.setup_master_data(self.rpc)
        self.connectors = setup_odoo.setup_connectors(
            self.rpc,
            {kind: s.base_url for kind, s in self.systems.items()},
            before_activate=self._configure_system,
        )

    def _configure_system(self, kind, conn):
        self.systems[kind].configure(
            self.odoo_url, conn["code"], conn["inbound_secret"], conn["outbound_secret"]
        )

    # -------------------------------------------------------------- phases
    def active_bom(self):
        boms = self.rpc.search_read(
            "mrp.bom",
            [("product_tmpl_id", "=", self.master["pump_template"])],
            ["plm_revision"],
            order="id desc",
            limit=1,
        )
        return boms[0] if boms else None

    def phase_plm(self):
        """Item release, then ECO-PLANT-7 with BOM revision B (auto-approved)."""
        _logger.info(
            "PLM: item release and engineering change %s", scenario.CHANGE_NUMBER
        )
        self.plm.release_item()
        self.pull_items()
        self.rpc.wait(
            "the polled item PLANT-VALVE in Odoo",
            lambda: self.rpc.call(
                "product.product", "search", [("default_code", "=", "PLANT-VALVE")]
            ),
        )
        self.plm.release_engineering_change()
        return self.rpc.wait(
            "BOM revision B in effect",
            lambda: (self.active_bom() or {}).get("plm_revision") == "B",
        )

    def pull_items(self):
        """Odoo polls the PLM's parts on the flow's interval (its cron); the demo
        asks for a pull at once, as the flow's Pull now button does."""
        flows = self.rpc.call(
            "mfg.flow",
            "search",
            [
                ("connector_id.code", "=", scenario.CONNECTORS["plm"][0]),
                ("code", "=", "plm.item.released"),
                ("transport", "=", "pull"),
            ],
        )
        for flow_id in flows:
            self.rpc.call("mfg.flow", "action_pull_now", [flow_id])

    def create_order(self, hours_ahead, quantity=scenario.MO_QUANTITY):
        bom = self.active_bom()
        mo_id = self.rpc.call(
            "mrp.production",
            "create",
            {
                "product_id": self.master["products"][scenario.FINISHED],
                "product_qty": quantity,
                "bom_id": bom["id"],
                "date_start": _odoo_dt(_now() + timedelta(hours=hours_ahead)),
                "user_id": self.rpc.uid,
            },
        )
        self.rpc.call("mrp.production", "action_confirm", [mo_id])
        return self.rpc.call("mrp.production", "read", [mo_id], ["name"])[0]["name"]

    def plan_workorders(self, mo_name, start):
        """Put the MO's work orders one after the other from ``start``, as a
        planner does by hand (the frozen MO: its work starts within the hour)."""
        workorders = self.rpc.search_read(
            "mrp.workorder",
            [("production_id.name", "=", mo_name)],
            ["id"],
            order="sequence, id",
        )
        for index, wo in enumerate(workorders):
            begin = start + timedelta(minutes=30 * index)
            self.rpc.call(
                "mrp.workorder",
                "write",
                [wo["id"]],
                {
                    "date_start": _odoo_dt(begin),
                    "date_finished": _odoo_dt(begin + timedelta(minutes=30)),
                },
                context={"bypass_duration_calculation": True},
            )

    def phase_orders(self):
        """The scenario's MOs, confirmed: Odoo releases them to the MES."""
        for key, hours, _plan in scenario.ORDERS:
            self.orders[key] = self.create_order(hours)
        self.plan_workorders(self.orders["frozen"], _now() + timedelta(hours=1))
        _logger.info("MOs confirmed: %s", self.orders)
        for name in self.orders.values():
            self.mes.wait_order(name)
        return self.orders

    def phase_schedule(self):
        """Snapshot to the scheduler; it publishes a schedule back."""
        before = len(self.aps.published)
        _logger.info("scheduler: snapshot requested")
        self.rpc.call(
            "mfg.connector",
            "action_scheduler_send_snapshot",
            [self.connectors["scheduler"]["id"]],
        )
        self.rpc.wait("a published schedule", lambda: len(self.aps.published) > before)
        version = self.aps.published[-1]["version"]
        return self.rpc.wait(
            "the schedule applied in Odoo",
            lambda: self.rpc.search_read(
                "mfg.scheduler.schedule",
                [
                    ("name", "=", self.aps.schedule_id),
                    ("version", "=", version),
                    ("state", "!=", False),
                ],
                ["state", "applied_count", "refused_count"],
            ),
        )[0]

    def phase_shop_floor(self, parallel=True):
        """MES events of each MO, shuffled with duplicates; the QMS fails the
        frozen MO's lot."""
        self.qms.fail_origins.add(self.orders["frozen"])
        runs = [
            (self.orders[key], plan) for key, _hours, plan in scenario.ORDERS if plan
        ]
        threads = [
            threading.Thread(
                target=self.mes.run, args=(name, plan), kwargs={"seed": i + 7}
            )
            for i, (name, plan) in enumerate(runs)
        ]
        for thread in threads:
            thread.start()
            if not parallel:
                thread.join()
        for thread in threads:
            thread.join()

    def open_messages(self):
        ids = [c["id"] for c in self.connectors.values()]
        # an outbound message that failed with a next attempt planned is still
        # on its way (a send cut short by a restart is retried on the delivery
        # schedule, the first retry within seconds)
        retrying = [
            "&",
            "&",
            ("state", "=", "failed"),
            ("direction", "=", "outbound"),
            ("next_attempt_at", "!=", False),
        ]
        return self.rpc.call(
            "mfg.sync.message",
            "search_count",
            [
                ("connector_id", "in", ids),
                "|",
                ("state", "in", list(OPEN_STATES)),
                *retrying,
            ],
        )

    def wait_settled(self, timeout=240, quiet_seconds=4):
        """Until the simulators are idle and no message of the plant is open for
        ``quiet_seconds`` (a reaction may still bring new ones)."""
        deadline = time.time() + timeout
        quiet_since = None
        while time.time() < deadline:
            for system in self.systems.values():
                system.wait_idle(timeout=max(1, deadline - time.time()))
            busy = self.open_messages()
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.time()
            elif time.time() - quiet_since >= quiet_seconds:
                return True
            time.sleep(0.5)
        raise TimeoutError(f"plant messages still open after {timeout}s")

    def run_scenario(self):
        self.phase_plm()
        self.phase_orders()
        schedule = self.phase_schedule()
        _logger.info("schedule: %s", schedule)
        self.phase_shop_floor()
        self.wait_settled()
        _logger.info(
            "scenario done: %s", {k: s.state() for k, s in self.systems.items()}
        )

    def trickle(self, interval=30.0, max_orders=200):
        """A new MO every ``interval`` seconds, run by the MES at once; every
        fourth inspection fails; a snapshot every third MO."""
        self.mes.auto_run = True
        self.qms.fail_every = 4
        count = 0
        while not self._stop.wait(interval) and count < max_orders:
            count += 1
            try:
                name = self.create_order(hours_ahead=24 * (1 + count % 5), quantity=1)
                _logger.info("trickle: %s confirmed", name)
                if count % 3 == 0:
                    self.rpc.call(
                        "mfg.connector",
                        "action_scheduler_send_snapshot",
                        [self.connectors["scheduler"]["id"]],
                    )
                if count % 5 == 0:
                    self.plm.release_item(
                        f"PLANT-SPARE-{count}", "A", f"Spare part {count}"
                    )
            except (RequestException, OdooRpcError, TimeoutError) as err:
                # Odoo restarting or busy: the demo goes on
                _logger.warning("trickle: %s", err)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="mfg_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument(
        "--base-port",
        type=int,
        default=8490,
        help="the simulators listen on the 4 next ports (PLM first)",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=30.0,
        help="seconds between the trickle's new MOs",
    )
    parser.add_argument("--once", action="store_true", help="stop after the scenario")
    parser.add_argument("--setup-only", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[plant] %(message)s")
    logging.getLogger("urllib3").setLevel(logging.WARNING)

    def terminate(_signum, _frame):
        raise KeyboardInterrupt

    # started in the background by setup/demo, SIGINT may come in ignored
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    wait_http(f"{args.odoo_url}/web/login")
    plant = Plant(args.odoo_url, args.db, args.login, args.password, args.base_port)
    plant.start()
    try:
        plant.setup()
        _logger.info(
            "Odoo set up: connectors %s",
            ", ".join(c["code"] for c in plant.connectors.values()),
        )
        if args.setup_only:
            return 0
        try:
            plant.run_scenario()
        except (TimeoutError, OdooRpcError, RequestException) as err:
            # the simulators keep serving: the demo stays up, the log says why
            _logger.warning("the scenario did not finish: %s", err)
            if args.once:
                return 1
        if args.once:
            return 0
        _logger.info("scenario done; a new MO every %ss until Ctrl-C", args.interval)
        plant.trickle(args.interval)
    except KeyboardInterrupt:
        _logger.info("stopping the simulators")
    finally:
        plant.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
