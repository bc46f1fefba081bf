from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from . import signals, signin_pause  # noqa: F401 - signin_pause connects its receiver

        signals.connect()
