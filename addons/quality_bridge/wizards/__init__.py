from . import mfg_quality_disposition_wizard
