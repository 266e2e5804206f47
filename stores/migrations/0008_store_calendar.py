"""Stores get a holiday calendar: country (the company's default, OASIS_DEFAULT_COUNTRY, unless the
store's time zone names another country plainly), subdivision (none: nationwide holidays only) and
closed weekdays (none); the company's closed days; head office manages those days in the admin."""

from django.conf import settings
from django.db import migrations, models

from core.migration_ops import grant_to_head_office

import stores.models

# Time zones that belong to one country; any other keeps the default country.
COUNTRY_OF_ZONE = {
    "Europe/Berlin": "DE",
    "Europe/Busingen": "DE",
    "Europe/Zurich": "CH",
    "Europe/Vienna": "AT",
    "Europe/Vaduz": "LI",
    "Europe/Luxembourg": "LU",
    "Europe/Amsterdam": "NL",
    "Europe/Brussels": "BE",
    "Europe/Paris": "FR",
    "Europe/Rome": "IT",
    "Europe/Warsaw": "PL",
    "Europe/Prague": "CZ",
    "Europe/Copenhagen": "DK",
    "Europe/London": "GB",
    "Europe/Dublin": "IE",
    "Europe/Stockholm": "SE",
    "Europe/Oslo": "NO",
    "Europe/Helsinki": "FI",
    "Europe/Budapest": "HU",
}

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {("stores", "closedday"): ("add", "change", "delete", "view")}


def countries_from_time_zones(apps, schema_editor):
    Store = apps.get_model("stores", "Store")
    default = getattr(settings, "OASIS_DEFAULT_COUNTRY", "DE")
    for zone, country in COUNTRY_OF_ZONE.items():
        if country != default:
            Store.objects.filter(timezone=zone).update(country=country)


class Migration(migrations.Migration):

    dependencies = [
        ('stores', '0007_user_report_pdf'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClosedDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True, verbose_name='day')),
                ('name', models.CharField(max_length=100, verbose_name='name of the day')),
            ],
            options={
                'verbose_name': 'company closed day',
                'verbose_name_plural': 'company closed days',
                'ordering': ['day'],
            },
        ),
        migrations.AddField(
            model_name='historicalstore',
            name='closed_weekdays',
            field=models.CharField(blank=True, db_default='', default='', help_text='Day numbers, 1 = Monday .. 7 = Sunday, e.g. 7 for closed on Sundays; empty: open every day.', max_length=13, verbose_name='closed weekdays'),
        ),
        migrations.AddField(
            model_name='historicalstore',
            name='country',
            field=models.CharField(db_default='DE', default=stores.models.default_country, help_text='ISO 3166-1 code (DE, CH, AT, ...): its public holidays are not planned.', max_length=2, verbose_name='country'),
        ),
        migrations.AddField(
            model_name='historicalstore',
            name='subdivision',
            field=models.CharField(blank=True, db_default='', default='', help_text='State, canton or region whose holidays apply too, e.g. BY for Bavaria (DE-BY); empty: nationwide only.', max_length=40, verbose_name='subdivision'),
        ),
        migrations.AddField(
            model_name='store',
            name='closed_weekdays',
            field=models.CharField(blank=True, db_default='', default='', help_text='Day numbers, 1 = Monday .. 7 = Sunday, e.g. 7 for closed on Sundays; empty: open every day.', max_length=13, verbose_name='closed weekdays'),
        ),
        migrations.AddField(
            model_name='store',
            name='country',
            field=models.CharField(db_default='DE', default=stores.models.default_country, help_text='ISO 3166-1 code (DE, CH, AT, ...): its public holidays are not planned.', max_length=2, verbose_name='country'),
        ),
        migrations.AddField(
            model_name='store',
            name='subdivision',
            field=models.CharField(blank=True, db_default='', default='', help_text='State, canton or region whose holidays apply too, e.g. BY for Bavaria (DE-BY); empty: nationwide only.', max_length=40, verbose_name='subdivision'),
        ),
        migrations.RunPython(countries_from_time_zones, migrations.RunPython.noop),
        grant_to_head_office(PERMISSIONS),
    ]
