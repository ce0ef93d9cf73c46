from . import (
    test_plm_bad_input,
    test_plm_bom_release,
    test_plm_change_link,
    test_plm_item_and_change,
    test_plm_mapping,
    test_plm_hostile,
    test_plm_webhook,
)
from . import test_plm_pull
from . import test_plm_responsible
