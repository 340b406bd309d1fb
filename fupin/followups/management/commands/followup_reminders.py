from django.core.management.base import BaseCommand

from fupin.followups import reminders


class Command(BaseCommand):
    help = "回访提醒：逾期回访、重点回访提前提醒、按时回访率低于提醒线的村"

    def handle(self, *args, **options):
        sent = reminders.send()
        self.stdout.write("followup_reminders: " + ", ".join(f"{k}={v}" for k, v in sent.items()))
