from . import mfg_connector_template_import
from . import mfg_message_correction
from . import mfg_connector_template_recipe
from . import mfg_bulk_replay
