from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fupin.core import codes
from fupin.core.api import ScopedModelViewSet, TransitionsMixin, router
from fupin.core.personal import PersonalDataSerializerMixin
from fupin.registry.models import Person

from . import services
from .filters import CourseFilter, EnrolmentApiFilter
from .models import Course, Enrolment


@extend_schema_field({
    "type": "string", "enum": [code for code, _label in codes.choices("training_kind")],
    "description": "培训类型：" + "，".join(f"{c} {label}"
                                          for c, label in codes.choices("training_kind"))})
class TrainingKindField(serializers.ChoiceField):
    """The course kind, described inline in the schema: the same code list as a person's
    training wish (TrainingWishEnum), and "kind" names other lists in other apps."""

    def __init__(self, **kwargs):
        super().__init__(choices=codes.choices("training_kind"), **kwargs)


class CourseSerializer(serializers.ModelSerializer):
    kind = TrainingKindField()
    occupied = serializers.SerializerMethodField(help_text="已报名人数（在训与已结业）")

    class Meta:
        model = Course
        fields = ["id", "area_code", "name", "kind", "provider", "trainer", "start_date",
                  "end_date", "place", "capacity", "subsidy_per_person", "occupied", "status",
                  "version", "retired_at"]
        # the status moves through …/transitions/ (core/workflows/)
        read_only_fields = ["status", "version", "retired_at"]

    def get_occupied(self, obj) -> int:
        value = getattr(obj, "occupied", None)
        return services.occupied_places(obj) if value is None else value


class EnrolmentSerializer(PersonalDataSerializerMixin, serializers.ModelSerializer):
    """Course and person are chosen on creation (among those the user sees) and fixed after;
    the person's ID number is shown masked only (as core/personal.py shows it to the user)."""

    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.none())
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    course_name = serializers.CharField(source="course.name", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)
    person_id_number_masked = serializers.CharField(source="person.id_number_masked",
                                                    read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "area_code", "course", "course_name", "person", "person_name",
                  "person_id_number_masked", "status", "days_attended", "completed_on",
                  "certificate", "version", "retired_at"]
        read_only_fields = ["area_code", "status", "version", "retired_at"]
        validators = []  # duplicates are refused by the service, in words

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if self.instance is not None and not isinstance(self.instance, list | tuple) \
                and getattr(self.instance, "pk", None):
            self.fields["course"].read_only = True
            self.fields["person"].read_only = True
        elif request is not None:
            self.fields["course"].queryset = Course.objects.visible_to(request.user).active()
            self.fields["person"].queryset = Person.objects.visible_to(request.user).active()


class CourseViewSet(TransitionsMixin, ScopedModelViewSet):
    model = Course
    serializer_class = CourseSerializer
    filterset_class = CourseFilter

    def get_queryset(self):
        from .selectors import course_list

        qs = course_list(user=self.request.user)
        return qs.active() if self.action == "list" else qs


class EnrolmentViewSet(TransitionsMixin, ScopedModelViewSet):
    model = Enrolment
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentApiFilter
    select_related = ("course", "person")


router.register("courses", CourseViewSet, basename="course")
router.register("enrolments", EnrolmentViewSet, basename="enrolment")
