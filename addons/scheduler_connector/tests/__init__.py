from . import test_schedule_apply
