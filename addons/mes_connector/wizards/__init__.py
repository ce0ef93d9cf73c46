from . import mfg_connector_template_import
