"""The village worker's working list (/followups/), a phone page that works offline: its
service worker (/followups/sw.js) keeps the page, its scripts and the list's JSON; visits
recorded offline wait in the phone's outbox (fupin/static/fupin/followups/worklist.js)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from fupin.core import codes

from ..worklist_data import worklist_rows

TABS = (("overdue", gettext_lazy("逾期")), ("week", gettext_lazy("本周到期")),
        ("month", gettext_lazy("本月到期")))


@login_required
@never_cache
def worklist(request):
    on = timezone.localdate()
    rows = worklist_rows(user=request.user, on=on)
    tab = request.GET.get("tab") or "overdue"
    tabs = [{"key": k, "label": label, "rows": [r for r in rows if r["bucket"] == k]}
            for k, label in TABS]
    strings = {
        "offline": _("离线"), "pending": _("条待同步"), "synced": _("已同步"),
        "record": _("记录回访"), "overdue_days": _("逾期 %(n)s 天"), "due": _("应访"),
        "last": _("上次回访"), "never": _("尚无回访记录"), "saved": _("已保存，待同步"),
        "mine": _("我的记录"), "server": _("服务器上的记录"),
        "discard": _("放弃我的修改"), "reapply": _("按服务器版本重新提交"),
        "conflict": _("记录冲突：服务器上的记录已被修改"), "error": _("提交失败"),
        "cancel": _("取消"), "empty": _("没有待回访的人员"),
    }
    return render(request, "followups/worklist.html", {
        "tabs": tabs, "tab": tab, "places": codes.WORK_PLACE_CHOICES, "strings": strings,
        "training_kinds": codes.choices("training_kind"),
        "today": on,
        "api_url": "/api/v1/followups/worklist/", "visits_url": "/api/v1/followups/visits/",
    })


def service_worker(request):
    """The service worker, served from /followups/ so that its scope can be /followups/."""
    body = render_to_string("followups/sw.js", {
        "version": "1",
        "shell": ["/followups/", static("vendor/bootstrap/css/bootstrap.min.css"),
                  static("vendor/bootstrap-icons/bootstrap-icons.min.css"),
                  static("fupin/app.css"), static("fupin/followups/worklist.js"),
                  static("vendor/bootstrap/js/bootstrap.bundle.min.js")],
    })
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/followups/"
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [
    path("", worklist, name="worklist"),
    path("sw.js", service_worker, name="service_worker"),
]
