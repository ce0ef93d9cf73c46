from . import test_schedule_apply
from . import test_snapshot
from . import test_order_changed
from . import test_webhook
