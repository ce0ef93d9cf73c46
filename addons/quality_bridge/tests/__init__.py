from . import test_inspection_result
from . import test_disposition
from . import test_maintenance_alert
from . import test_outbound
from . import test_webhook
from . import test_connector
from . import test_qif
