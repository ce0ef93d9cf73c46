from . import intake_config
