from . import (
    mfg_connector,
    mfg_flow,
    mfg_scheduler_schedule,
    mfg_scheduler_schedule_line,
    mrp_production,
    mrp_workcenter,
    mrp_workorder,
)
