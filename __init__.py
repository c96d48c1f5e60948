from . import models
from . import wizards
from . import report
from .hooks import pre_init_hook, post_init_hook, uninstall_hook
