from . import models
from . import controllers
from . import wizards


def post_load():
    """Mask secrets in every log line of the server, whatever logs them."""
    from .core import logmask

    logmask.install()
