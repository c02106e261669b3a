"""The view behind ``ProjectListing``: a project's areas, axes and institutions in one row.

Correlated subqueries in the select list, so PostgreSQL computes them only for the rows a query
returns (a page of 100 computes 100 rows, whatever the size of the portfolio).
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


VIEW = """
CREATE VIEW projects_listing AS
SELECT p.id AS project_id,
       ARRAY(SELECT a.code
               FROM projects_jointproject_areas pa
               JOIN cooperation_strategicarea a ON a.id = pa.strategicarea_id
              WHERE pa.jointproject_id = p.id
              ORDER BY a.number) AS area_codes,
       ARRAY(SELECT x.code
               FROM projects_jointproject_axes px
               JOIN cooperation_axis x ON x.id = px.axis_id
              WHERE px.jointproject_id = p.id
              ORDER BY x.number) AS axis_codes,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('institution', i.code, 'city', c.code,
                                                     'role', pp.role)
                                  ORDER BY pp.role, i.code)
                   FROM projects_participation pp
                   JOIN cooperation_institution i ON i.id = pp.institution_id
                   JOIN cooperation_party c ON c.id = i.party_id
                  WHERE pp.project_id = p.id), '[]'::jsonb) AS institutions
  FROM projects_jointproject p
"""


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_roles"),
    ]

    operations = [
        migrations.RunSQL(
            sql=VIEW,
            reverse_sql="DROP VIEW IF EXISTS projects_listing",
        ),
        migrations.CreateModel(
            name="ProjectListing",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        db_column="project_id",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="listing",
                        serialize=False,
                        to="projects.jointproject",
                    ),
                ),
                (
                    "area_codes",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=40), size=None
                    ),
                ),
                (
                    "axis_codes",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=40), size=None
                    ),
                ),
                ("institutions", models.JSONField()),
            ],
            options={
                "verbose_name": "project listing",
                "verbose_name_plural": "project listings",
                "db_table": "projects_listing",
                "managed": False,
            },
        ),
    ]
