from . import mfg_plm_xml_import_wizard
