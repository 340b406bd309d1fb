import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.followups.plans import plans_refresh_all


class Command(BaseCommand):
    help = "Re-derive every follow-up visit plan (回访计划) as of today."

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 1
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if verbose and done:
                self.stdout.write(_("%(done)s / %(total)s 户") % {"done": done, "total": total})

        written = plans_refresh_all(progress=progress)
        self.stdout.write(_("回访计划已更新：%(n)s 条有变化（%(s).1f 秒）。")
                          % {"n": written, "s": time.monotonic() - started})
