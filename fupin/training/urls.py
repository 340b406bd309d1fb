from django.urls import path

from . import views
from .resources import courses, enrolments

app_name = "training"
urlpatterns = [
    *courses.urls("courses/"),
    *enrolments.urls("enrolments/"),
    path("courses/<int:pk>/enrol/", views.CourseEnrolView.as_view(resource=courses),
         name="course_enrol"),
]
