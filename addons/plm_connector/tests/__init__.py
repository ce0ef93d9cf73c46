from . import test_plm_bom_release
from . import test_plm_item_and_change
from . import test_plm_bad_input
from . import test_plm_webhook
