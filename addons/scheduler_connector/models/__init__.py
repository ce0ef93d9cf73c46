from . import (
    mfg_connector,
    mfg_flow,
    mfg_scheduler_schedule,
    mfg_scheduler_schedule_line,
    mfg_sync_message,
    mrp_production,
    mrp_workcenter,
    mrp_workorder,
)
