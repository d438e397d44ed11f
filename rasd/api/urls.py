from django.contrib.auth.decorators import login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from rasd.api import followup_views, views
from rasd.cooperation.api import CooperationViewSet
from rasd.strategy.api import PlanViewSet

app_name = "api"

router = DefaultRouter()
# No ".json" suffixes: a code or a document symbol may contain a dot, and JSON is the default anyway.
router.include_format_suffixes = False
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("mechanisms", views.MechanismViewSet, basename="mechanism")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("states", views.StateViewSet, basename="state")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("affected-persons", views.AffectedPersonViewSet, basename="affected-person")
router.register("sdg-goals", views.SdgGoalViewSet, basename="sdg-goal")
router.register("sdg-targets", views.SdgTargetViewSet, basename="sdg-target")
router.register("national-axes", views.NationalAxisViewSet, basename="national-axis")
router.register("assignments", followup_views.AssignmentViewSet, basename="assignment")
router.register("actions", followup_views.ActionViewSet, basename="action")
router.register("indicators", followup_views.IndicatorViewSet, basename="indicator")
router.register("progress-updates", followup_views.ProgressUpdateViewSet, basename="progress-update")
router.register("indicator-values", followup_views.IndicatorValueViewSet, basename="indicator-value")
router.register("evidence", followup_views.EvidenceViewSet, basename="evidence")
router.register("clusters", followup_views.ClusterViewSet, basename="cluster")
router.register("deadlines", followup_views.DeadlineViewSet, basename="deadline")
router.register("plans", PlanViewSet, basename="plan")
router.register("cooperation", CooperationViewSet, basename="cooperation")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation page is for people in a browser: send them to the login page rather than answer 401.
    # The split view serves its script as a file of its own (docs/?script): the Content-Security-Policy allows
    # no inline script.
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")),
        name="docs",
    ),
    *router.urls,
    # Last: any other address that ends with a slash (one without is first sent to it with the slash added).
    re_path(r"^[\s\S]*/$", views.UnknownAddress.as_view()),
]
