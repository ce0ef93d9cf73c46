from . import mfg_flow
from . import mfg_connector
from . import mfg_scheduler_schedule
from . import mfg_scheduler_schedule_line
from . import mfg_sync_message
from . import mrp_production
from . import mrp_workcenter
from . import mrp_workorder
