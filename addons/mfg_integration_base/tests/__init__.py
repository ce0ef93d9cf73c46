from . import test_connector
from . import test_processing
from . import test_outbound
from . import test_webhook
from . import test_operations
from . import test_tours
from . import test_drain_concurrency
