"""The admin of regions, stores and people, as head office uses it.

The role is the permission: head office reaches these pages through the head_office group
(`stores.roles`), and what a user may do follows from their role and scope, so the user form leads
with them. Nothing here is deleted in bulk: stores are closed, people deactivated or anonymised.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin as BaseImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from core.history import HistoryAdmin
from core.personal_data import personal_data_erase

from . import calendar
from .import_jobs import import_confirm, import_start, rows_done
from .imports import BoundedCSV, BoundedXLSX, ImportRefused
from .models import ClosedDay, ImportJob, Region, Store, User, iana_timezones
from .resources import StoreResource, UserResource
from .services import scope_errors, store_close, user_anonymize, user_apply_role, user_deactivate, user_invite


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(iana_timezones()) if "/" in name or name == "UTC"]


class ImportFormWithReasons(ImportForm):
    """The import form, with the style that shows each refused row's reason inline."""

    class Media:
        css = {"all": ["stores/import.css"]}


class ImportExportMixin(BaseImportExportMixin):
    """Bulk set-up from CSV or XLSX, exported in the same columns (stores.resources); files are
    bounded before they are read (stores.imports), then previewed and imported in the background
    (stores.import_jobs) while a page shows how far the work is."""

    import_formats = [BoundedCSV, BoundedXLSX]
    export_formats = [CSV, XLSX]
    import_form_class = ImportFormWithReasons

    def get_import_form_initial(self, request):
        # The format chosen for the last upload stays chosen for the next (the fixed file).
        initial = super().get_import_form_initial(request)
        # (from the job's page, its "Import another file" link carries it)
        chosen = request.POST.get("format") or request.GET.get("format")
        if chosen:
            initial["format"] = chosen
        return initial

    import_job_template = "admin/stores/import_job.html"

    def get_urls(self):
        info = self.get_model_info()
        job = path(
            "import/<uuid:job_id>/",
            self.admin_site.admin_view(self.import_job_view),
            name=f"{info[0]}_{info[1]}_import_job",
        )
        return [job, *super().get_urls()]

    def import_action(self, request, **kwargs):
        """The upload: stored and previewed in the background, then the job's page. A file beyond
        the bounds, or an invalid form, is shown by the library's page with the reason."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                input_format = self.get_import_formats()[int(form.cleaned_data["format"])]
                upload = form.cleaned_data["import_file"]
                try:
                    job = import_start(
                        model=self.model._meta.model_name,
                        file_format="xlsx" if issubclass(input_format, XLSX) else "csv",
                        data=b"".join(upload.chunks()),
                        file_name=upload.name,
                        user=request.user,
                    )
                except Exception:  # refused or unreadable: nothing is stored, and the library's
                    return super().import_action(request, **kwargs)  # page reads it again and says why
                return redirect(self._import_job_url(job))
        return super().import_action(request, **kwargs)

    def _import_job_url(self, job: ImportJob) -> str:
        app_label, model_name = self.get_model_info()
        return reverse(f"admin:{app_label}_{model_name}_import_job", args=[job.pk])

    def import_job_view(self, request, job_id):
        """How far the preview or import is (the page reloads itself until it is done), then the
        preview with each refused row's reasons and the confirm button, or the result."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=job_id, model=self.model._meta.model_name)
        if request.method == "POST":
            if import_confirm(job=job):
                return redirect(self._import_job_url(job))
            messages.error(request, _("This file cannot be imported: it has refused rows or was imported already."))
        running = job.state in (ImportJob.State.PREVIEWING, ImportJob.State.IMPORTING)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "opts": self.model._meta,
            "job": job,
            "running": running,
            "rows_done": rows_done(job),
            "format_index": next(
                (
                    i
                    for i, f in enumerate(self.get_import_formats())
                    if issubclass(f, XLSX) == (job.file_format == "xlsx")
                ),
                0,
            ),
            "can_confirm": job.state == ImportJob.State.PREVIEWED
            and not job.error
            and not job.row_errors
            and not (job.totals.get("error") or job.totals.get("invalid")),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_job_template], context)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)


class NoBulkDeleteMixin:
    """Deleting many rows at once is never what head office means: each admin offers the action
    that keeps the record (close, deactivate, anonymise, reject) instead."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "n_stores"]
    search_fields = ["code", "name"]

    @admin.display(description=_("stores"))
    def n_stores(self, obj: Region) -> int:
        return obj.stores.count()


def weekday_choices() -> list[tuple[str, str]]:
    return [(str(day), str(WEEKDAY_NAMES[day - 1])) for day in calendar.ISO_WEEKDAYS]


WEEKDAY_NAMES = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))


class StoreForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("time zone"), choices=timezone_choices, initial="Europe/Berlin")
    closed_weekdays = forms.TypedMultipleChoiceField(
        label=_("closed weekdays"),
        choices=weekday_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("No visit is planned on these days, nor on the public holidays of the country and subdivision."),
    )

    class Meta:
        model = Store
        fields = [
            "code",
            "name",
            "region",
            "city",
            "timezone",
            "latitude",
            "longitude",
            "is_active",
            "country",
            "subdivision",
            "closed_weekdays",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["closed_weekdays"] = [
                str(day) for day in calendar.OpeningCalendar.of(self.instance).closed_weekdays
            ]

    def clean_closed_weekdays(self) -> str:
        return calendar.format_weekdays(self.cleaned_data.get("closed_weekdays") or [])


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    """Days every store is closed: the planner plans no visit on them."""

    list_display = ["day", "name"]
    date_hierarchy = "day"


@admin.register(Store)
class StoreAdmin(NoBulkDeleteMixin, ImportExportMixin, HistoryAdmin):
    form = StoreForm
    resource_classes = [StoreResource]
    list_display = ["code", "name", "region", "city", "timezone", "country", "subdivision", "is_active"]
    list_filter = ["region", "is_active", "timezone", "country"]
    search_fields = ["code", "name", "city"]
    list_select_related = ["region"]
    actions = ["close_stores"]

    @admin.action(description=_("Close the selected stores (they keep their history)"))
    def close_stores(self, request, queryset):
        for store in queryset:
            store_close(store=store)
        count = queryset.count()
        self.message_user(request, ngettext("%d store closed.", "%d stores closed.", count) % count)


class RoleScopeMixin:
    """Role and scope together: a shopper or manager is given stores, a supervisor regions,
    head office neither; the form says so instead of letting the database keep a useless scope."""

    def _setup_scope_fields(self) -> None:
        if "stores" in self.fields:
            self.fields["stores"].queryset = Store.objects.filter(is_active=True).select_related("region")
            self.fields["stores"].help_text = _("For shoppers (stores they visit) and store managers.")
        if "regions" in self.fields:
            self.fields["regions"].help_text = _("For supervisors (the regions they look after).")
        if "role" in self.fields:
            self.fields["role"].help_text = _(
                "The role decides what the person may do: head office manages the program in this admin."
            )

    def clean(self):
        cleaned = super().clean()
        if "role" in cleaned:
            errors = scope_errors(
                role=cleaned["role"], stores=cleaned.get("stores") or [], regions=cleaned.get("regions") or []
            )
            for field, message in errors.items():
                if field in self.fields:
                    self.add_error(field, message)
        return cleaned


class OasisUserChangeForm(RoleScopeMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_scope_fields()


class OasisUserCreationForm(RoleScopeMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "email", "role", "stores", "regions", "language", "report_pdf"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_scope_fields()
        # A new person sets their own password from the e-mail they get: no password in a file.
        self.fields["usable_password"].initial = "false"
        self.fields["email"].required = True


ROLE_AND_SCOPE = (_("Role and scope"), {"fields": ["role", "stores", "regions"]})


@admin.register(User)
class UserAdmin(NoBulkDeleteMixin, ImportExportMixin, BaseUserAdmin):
    form = OasisUserChangeForm
    resource_classes = [UserResource]
    add_form = OasisUserCreationForm
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "regions"]
    search_fields = ["username", "email", "first_name", "last_name"]
    filter_horizontal = ["stores", "regions"]
    readonly_fields = ["last_login", "date_joined", "is_staff"]
    actions = ["deactivate_users", "anonymise_users", "erase_personal_data", "send_set_password_email"]
    add_fieldsets = (
        (None, {"classes": ["wide"], "fields": ["username", "email"]}),
        ROLE_AND_SCOPE,
        (_("Password"), {"fields": ["usable_password", "password1", "password2"]}),
        (_("Preferences"), {"fields": ["language", "report_pdf"]}),
    )

    class Media:
        js = ["admin/js/role_scope.js"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        fieldsets = [
            (None, {"fields": ["username", "password"]}),
            ROLE_AND_SCOPE,
            (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
            (_("Preferences"), {"fields": ["language", "report_pdf"]}),
            (_("Status"), {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
        ]
        if request.user.is_superuser:
            # Only a superuser grants what no role carries; head office works through roles alone.
            fieldsets.append((_("Permissions beyond the role"), {"fields": ["is_superuser"]}))
        return fieldsets

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            # Head office manages people, not the accounts that administer the system itself.
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_apply_role(user=form.instance)
        if not change and not form.instance.has_usable_password():
            user_invite(user=form.instance)
            messages.info(request, _("A set-password e-mail goes to %(email)s.") % {"email": form.instance.email})

    @admin.action(description=_("Deactivate the selected users (they can no longer log in)"))
    def deactivate_users(self, request, queryset):
        for user in queryset.exclude(pk=request.user.pk):
            user_deactivate(user=user)
        self.message_user(request, _("Deactivated."))

    @admin.action(description=_("Anonymise the selected users (visits and statistics stay)"))
    def anonymise_users(self, request, queryset):
        for user in queryset.exclude(pk=request.user.pk):
            user_anonymize(user=user)
        self.message_user(request, _("Anonymised."))

    @admin.action(description=_("Erase the selected people's personal data (in every app; the figures stay)"))
    def erase_personal_data(self, request, queryset):
        erased = 0
        for user in queryset.exclude(pk=request.user.pk):
            personal_data_erase(user=user)
            erased += 1
        self.message_user(request, ngettext("%d person erased.", "%d people erased.", erased) % erased)

    @admin.action(description=_("Send a set-password e-mail to the selected users"))
    def send_set_password_email(self, request, queryset):
        sent = 0
        for user in queryset.filter(is_active=True).exclude(email=""):
            user_invite(user=user)
            sent += 1
        self.message_user(request, ngettext("%d e-mail queued.", "%d e-mails queued.", sent) % sent)
