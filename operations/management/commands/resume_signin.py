from django.core.management.base import BaseCommand

from operations.signin_pause import failures


class Command(BaseCommand):
    help = (
        "Lift the pause on signing in from an address that had many failed sign-ins "
        "(SIGNIN_ADDRESS_LIMIT), before its cool-off ends. A username's own pause is "
        "django-axes': `manage.py axes_reset_username`."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", help="The address, as the pause page's visitor has it.")

    def handle(self, *args, address, **options):
        failures().forget(address.strip())
        self.stdout.write(f"Signing in from {address.strip()} is no longer paused.")
