"""Bulk set-up of stores and people from CSV or XLSX (django-import-export), in the columns the
exports write, so that an exported file imports again unchanged.

Each row is checked whole before anything is written: unknown region or store codes, a time zone
that is not IANA, a code twice in the file, a bad e-mail or a scope the role does not use refuse
that row with a sentence, and a file with any refused row cannot be confirmed (the import runs in
one transaction). Rows equal to what is stored are skipped, so importing a file twice changes
nothing. New people get no password: they are sent a set-password e-mail once the import commits.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.spreadsheet import safe_text, unmark

from .models import Region, Role, Store, User
from .services import scope_errors, user_apply_role, user_invite


class SpreadsheetSafeMixin:
    """Exports write text a spreadsheet would run as a formula as text (CSV and XLSX alike, through
    the product's one neutraliser), and imports read such a cell back as the text it stands for."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return safe_text(value) if isinstance(value, str) else value

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if isinstance(value, str):
                row[column] = unmark(value)
        super().before_import_row(row, **kwargs)


class CodeWidget(widgets.ForeignKeyWidget):
    """A region by its code; an unknown code is a sentence, not a traceback."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip() if isinstance(value, str) else value
        if not value:
            return None
        # A file names few regions for many stores: read them once per import, not once per row.
        known = kwargs.get("known")
        found = known.get(value) if known is not None else None
        if found is None:
            found = self.get_queryset(value, row, **kwargs).filter(**{self.field: value}).first()
        if found is None:
            raise ValueError(_("Unknown %(what)s code “%(code)s”.") % {"what": self.what(), "code": value})
        return found

    def what(self) -> str:
        return str(self.model._meta.verbose_name)


class CodesWidget(widgets.ManyToManyWidget):
    """Stores or regions as codes separated by commas; any unknown code refuses the row."""

    def clean(self, value, row=None, **kwargs):
        codes = [code.strip() for code in str(value or "").split(self.separator) if code.strip()]
        if not codes:
            return self.model.objects.none()
        found = self.model.objects.filter(**{f"{self.field}__in": codes})
        unknown = sorted(set(codes) - {getattr(obj, self.field) for obj in found})
        if unknown:
            raise ValueError(
                _("Unknown %(what)s code(s): %(codes)s.")
                % {"what": str(self.model._meta.verbose_name), "codes": ", ".join(unknown)}
            )
        return found


class SwitchWidget(widgets.BooleanWidget):
    """An on/off column: 1 or 0 as the export writes it (CSV), TRUE or FALSE (XLSX), true or false;
    an empty cell is off. Anything else is refused with a sentence, not read as off."""

    empty: bool | None = False  # what an empty cell means

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if text == "":
            return self.empty
        if text in ("0", "false"):
            return False
        if text in ("1", "true"):
            return True
        raise ValueError(_("“%(value)s” is neither 1 (on) nor 0 (off).") % {"value": value})


class ActiveWidget(SwitchWidget):
    """Whether a store or a person is active: a typo ("ja") is refused rather than read as off,
    which would deactivate the person and end their sessions and tokens. An empty cell is left to
    the model's own validation, as before."""

    empty = None


class CodeOnceMixin:
    """A code (or user name) that appears twice in one file is refused on its second row: which
    row should win is not for the import to guess."""

    once_column = "code"

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._seen: dict[str, int] = {}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        key = str(row.get(self.once_column) or "").strip()
        self._row_number = kwargs.get("row_number")
        self._duplicate_of = self._seen.get(key) if key else None
        if key and key not in self._seen:
            self._seen[key] = self._row_number

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self._duplicate_of is not None:
            errors.setdefault(self.once_column, []).append(
                ValidationError(
                    _("“%(value)s” appears twice in the file (also in row %(row)s).")
                    % {"value": row.get(self.once_column), "row": self._duplicate_of}
                )
            )
        if errors:
            raise ValidationError(errors)


class StoreResource(SpreadsheetSafeMixin, CodeOnceMixin, resources.ModelResource):
    region = fields.Field(attribute="region", column_name="region", widget=CodeWidget(Region, field="code"))
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=ActiveWidget())

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._regions = {region.code: region for region in Region.objects.all()}

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "region":
            kwargs = {**kwargs, "known": self._regions}
        return super().import_field(field, instance, row, is_m2m, **kwargs)

    class Meta:
        model = Store
        import_id_fields = ["code"]
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
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True


class UserResource(SpreadsheetSafeMixin, CodeOnceMixin, resources.ModelResource):
    once_column = "username"
    stores = fields.Field(
        attribute="stores", column_name="stores", widget=CodesWidget(Store, field="code", separator=",")
    )
    regions = fields.Field(
        attribute="regions", column_name="regions", widget=CodesWidget(Region, field="code", separator=",")
    )
    # A person's preferences travel with them: language, and whether their weekly report e-mail
    # carries the PDF. A file without the column leaves the stored choice as it is.
    report_pdf = fields.Field(attribute="report_pdf", column_name="report_pdf", widget=SwitchWidget())
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=ActiveWidget())

    class Meta:
        model = User
        import_id_fields = ["username"]
        fields = [
            "username",
            "email",
            "first_name",
            "last_name",
            "role",
            "stores",
            "regions",
            "language",
            "report_pdf",
            "is_active",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def get_queryset(self):
        # Imports manage people, never the accounts that administer the system itself.
        return User.objects.filter(is_superuser=False)

    def filter_export(self, queryset, **kwargs):
        return queryset.filter(is_superuser=False)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if User.objects.filter(username=instance.username, is_superuser=True).exists():
            errors.setdefault("username", []).append(ValidationError(_("This account is not managed by imports.")))
        email = (instance.email or "").strip()
        if not email:
            errors.setdefault("email", []).append(ValidationError(_("An e-mail address is needed to set a password.")))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.setdefault("email", []).append(
                    ValidationError(_("“%(value)s” is not an e-mail address.") % {"value": email})
                )
        # The role's scope rule holds for every row, whatever columns the file has: a scope the
        # file leaves out is the person's stored one (none for a new person).
        scope = {}
        for name in ("stores", "regions"):
            if name in errors:
                continue
            if name not in row:
                scope[name] = list(getattr(instance, name).all()) if instance.pk else []
                continue
            try:
                scope[name] = list(self.fields[name].clean(row))
            except ValueError as error:
                errors[name] = [ValidationError(str(error))]
        if instance.role in Role.values and len(scope) == 2:
            for name, message in scope_errors(role=instance.role, **scope).items():
                errors.setdefault(name, []).append(ValidationError(message))
        if errors:
            raise ValidationError(errors)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        instance._imported_new = new
        if new:
            instance.set_unusable_password()  # the person sets it from the e-mail

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        user_apply_role(user=instance)
        if getattr(instance, "_imported_new", False) and not self._is_dry_run(kwargs):
            user_invite(user=instance)
