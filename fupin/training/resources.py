from django.utils.translation import gettext_lazy as _

from fupin.areas.selectors import area_full_name
from fupin.core.personal import can_see_personal
from fupin.core.resources import Column, Resource
from fupin.core.roles import can_write

from . import selectors, services
from .filters import CourseFilter, EnrolmentFilter
from .forms import CourseForm, EnrolmentForm, EnrolPersonForm
from .models import Course, Enrolment


class CourseResource(Resource):
    model = Course
    form_class = CourseForm
    filterset_class = CourseFilter
    icon = "mortarboard"
    columns = [
        Column("name", link=True),
        Column("kind"),
        Column("start_date"),
        Column("end_date"),
        Column("area_label", _("组织乡镇")),
        Column("place"),
        Column("capacity"),
        Column("occupied", _("已报名")),
        Column("status"),
    ]
    detail_fields = ["name", "kind", "status", "provider", "trainer", "start_date", "end_date",
                     "place", "capacity", "subsidy_per_person"]
    detail_template = "training/course_detail.html"

    @property
    def import_spec(self):
        from .imports import courses_import

        return courses_import

    def list_queryset(self, user):
        return selectors.course_list(user=user)

    def filter_area(self, queryset, area):
        """"Courses serving this area": a course lives in its township, so filtering by a
        village (which a village worker's area picker always sends) still shows the
        township's courses."""
        return selectors.courses_for_area(queryset, area)

    def detail_context(self, *, request, obj):
        counts = selectors.course_counts(course=obj)
        roster = list(selectors.course_roster(user=request.user, course=obj))
        for e in roster:  # the village under the course's township (or county)
            below = obj.area_code if e.area_code.startswith(obj.area_code) else obj.area_code[:6]
            e.village_name = area_full_name(e.area_code, below=below)
        block = selectors.enrol_block_reason(user=request.user, course=obj,
                                             occupied=counts["occupied"])
        return {
            "roster": roster,
            "counts": counts,
            "hidden_count": counts["total"] - len(roster),
            "enrol_block": block,
            "enrol_form": None if block else (getattr(request, "training_enrol_form", None)
                                              or EnrolPersonForm(user=request.user)),
            "can_write_enrolment": can_write(request.user, Enrolment),
            "can_see_personal": can_see_personal(request.user),
        }

    def create(self, *, actor, data):
        return services.course_create(actor=actor, data=data)

    def update(self, *, actor, instance, data, expected_version):
        return services.course_update(actor=actor, course=instance, data=data,
                                      expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.course_retire(actor=actor, course=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.course_restore(actor=actor, course=instance)


class EnrolmentResource(Resource):
    model = Enrolment
    form_class = EnrolmentForm
    filterset_class = EnrolmentFilter
    icon = "journal-check"
    columns = [
        Column("person__name", _("学员"), link=True),
        Column("person__id_number_masked", _("身份证号")),
        Column("course__name", _("培训班")),
        Column("status"),
        Column("days_attended"),
        Column("completed_on"),
        Column("certificate"),
        Column("area_label", _("所在村")),
    ]
    detail_fields = ["status", "days_attended", "completed_on", "certificate"]
    detail_template = "training/enrolment_detail.html"

    @property
    def import_spec(self):
        from .imports import enrolments_import

        return enrolments_import

    def list_queryset(self, user):
        return selectors.enrolment_list(user=user)

    def initial(self, request):
        course = request.GET.get("course", "")
        return {"course": course} if course.isdigit() else {}

    def create(self, *, actor, data):
        data = dict(data)
        return services.enrolment_create(actor=actor, course=data.pop("course"),
                                         person=data.pop("person"), data=data)

    def update(self, *, actor, instance, data, expected_version):
        return services.enrolment_update(actor=actor, enrolment=instance, data=data,
                                         expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.enrolment_retire(actor=actor, enrolment=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.enrolment_restore(actor=actor, enrolment=instance)


courses = CourseResource()
enrolments = EnrolmentResource()
