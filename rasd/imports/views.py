from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language

from rasd.accounts.permissions import coordinator_required
from rasd.imports.forms import ImportForm
from rasd.imports.models import ImportJob
from rasd.imports.services import import_job_create


@coordinator_required
def import_list(request):
    jobs = ImportJob.objects.select_related("created_by")[:50]
    return render(request, "imports/import_list.html", {"jobs": jobs})


@coordinator_required
def import_new(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            source=form.cleaned_data["source"],
            upload=form.cleaned_data["file"],
            actor=request.user,
            language=get_language(),
        )
        return redirect("import_detail", pk=job.pk)
    return render(request, "imports/import_new.html", {"form": form})


@coordinator_required
def import_detail(request, pk):
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
    return render(request, "imports/import_detail.html", {"job": job})
