from . import test_mes_inbound_flows
