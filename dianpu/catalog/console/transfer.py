"""Console pages for importing and exporting product files. The import runs in the worker; the
job page polls its progress with htmx."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.catalog import exports, imports, tasks
from dianpu.catalog.models import ImportJob
from dianpu.catalog.spreadsheets import write_csv
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip
from dianpu.core.uploads import read_upload, upload_field
from dianpu.inventory.queries import get_on_hand_by_variant

IMPORT_PERMISSIONS = (roles.ADD_PRODUCT, roles.CHANGE_PRODUCT, roles.CHANGE_PRICE, roles.PUBLISH_PRODUCT)
FORMAT_CHOICES = [
    ("auto", gettext_lazy("自动识别")),
    ("native", gettext_lazy("本系统格式")),
    ("shopify", "Shopify"),
    ("woocommerce", "WooCommerce"),
]


class ImportForm(forms.Form):
    file = upload_field(imports.IMPORT_LIMITS, label=gettext_lazy("商品文件（CSV 或 XLSX）"))
    file_format = forms.ChoiceField(label=gettext_lazy("格式"), choices=FORMAT_CHOICES, initial="auto")
    skip_bad_rows = forms.BooleanField(label=gettext_lazy("跳过错误行，导入其余的行"), required=False)
    dry_run = forms.BooleanField(label=gettext_lazy("仅预检，不写入"), required=False)


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(label=gettext_lazy("格式"), choices=FORMAT_CHOICES[1:], initial="native")
    kind = forms.ChoiceField(label=gettext_lazy("文件类型"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="csv")


def _schedule(job_id: int) -> None:
    tasks.run_import_job(job_id)


@staff_permission_required(*IMPORT_PERMISSIONS)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.create_import_job(
                actor=request.user,
                filename=upload.name,
                data=read_upload(upload, imports.IMPORT_LIMITS),
                file_format=form.cleaned_data["file_format"],
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                dry_run=form.cleaned_data["dry_run"],
                schedule=_schedule,
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            return redirect("console:catalog:import-job", job_id=job.pk)
    jobs = ImportJob.objects.select_related("created_by")[:20]
    return render(
        request,
        "catalog/console/import.html",
        {
            "form": form,
            "jobs": jobs,
            "export_form": ExportForm(),
        },
        status=422 if request.method == "POST" else 200,
    )


def _job(job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404(_("导入任务不存在。"))
    return job


@staff_permission_required(roles.VIEW_CATALOG)
def import_job(request, job_id: int):
    job = _job(job_id)
    template = (
        "catalog/console/_import_progress.html"
        if request.headers.get("HX-Request")
        else "catalog/console/import_job.html"
    )
    return render(
        request,
        template,
        {
            "job": job,
            "errors": imports.list_job_errors(job, 200),
            "warnings": imports.list_job_warnings(job, 200),
            "running": job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING),
            "may_cancel": all(request.user.has_perm(p) for p in IMPORT_PERMISSIONS),
        },
    )


@require_POST
@staff_permission_required(*IMPORT_PERMISSIONS)
def import_cancel(request, job_id: int):
    job = _job(job_id)
    try:
        imports.cancel_import_job(job=job, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("导入任务已取消，没有写入任何数据。"))
    return redirect("console:catalog:import-job", job_id=job.pk)


@staff_permission_required(roles.VIEW_CATALOG)
def import_errors(request, job_id: int):
    job = _job(job_id)
    response = HttpResponse(write_csv(*_split(imports.error_report_rows(job))), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


def _split(rows):
    rows = iter(rows)
    return next(rows), list(rows)


@staff_permission_required(roles.VIEW_CATALOG)
def export_download(request):
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("未知的导出格式。"))
        return redirect("console:catalog:import")
    file_format, kind = form.cleaned_data["file_format"], form.cleaned_data["kind"]
    stock = get_on_hand_by_variant if request.user.has_perm(roles.VIEW_STOCK) else None
    data = exports.export_products(file_format, kind, stock_by_variant=stock, image_url=request.build_absolute_uri)
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[kind])
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.export_filename(file_format, kind, clock.now())}"'
    )
    return response
