from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.core.errors import ServiceError
from fupin.core.views.generic import ObjectDetailView

from . import services
from .forms import EnrolPersonForm


class CourseEnrolView(ObjectDetailView):
    """"Enrol a person" from the course's page: a village worker types ID numbers one after
    another and stays on the page; a refusal is shown beside the box, with what was typed."""

    http_method_names = ["post"]

    def post(self, request, pk):
        course = self.get_object(include_retired=False)
        form = EnrolPersonForm(request.POST, user=request.user)
        if form.is_valid():
            person = form.cleaned_data["person"]
            try:
                services.enrolment_create(actor=request.user, course=course, person=person)
            except ServiceError as exc:
                form.add_error("person", exc.message)
            else:
                messages.success(request, _("已为 %(name)s 报名。") % {"name": person.name})
                return HttpResponseRedirect(
                    reverse(self.resource.url_name("detail"), args=[course.pk]) + "#roster")
        request.training_enrol_form = form  # the page shows it with its errors
        response = self.get(request, pk)
        response.status_code = 400
        return response
