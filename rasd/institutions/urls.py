from django.urls import path

from rasd.institutions import views

urlpatterns = [
    path("<slug:code>/", views.institution_detail, name="institution_detail"),
    path("<slug:code>/handover/", views.institution_handover, name="institution_handover"),
]
