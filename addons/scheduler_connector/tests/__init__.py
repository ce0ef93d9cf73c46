from . import test_order_changed, test_schedule_apply, test_snapshot, test_webhook
from . import test_frozen_window
