from . import test_mes_inbound_flows
from . import test_mes_bad_input
from . import test_mes_ordering
from . import test_mes_outbound
from . import test_mes_webhook
from . import test_tour_planner
from . import test_mes_reconciliation
from . import test_mes_b2mml
