"""The view behind ``ProjectListing``: each project as the API lists it, in JSON.

Its areas, axes and institutions are correlated subqueries in the select list, so PostgreSQL
computes them only for the rows a query returns (a page of 100 computes 100 rows, whatever the
size of the portfolio).
"""

import django.db.models.deletion
from django.db import migrations, models


VIEW = """
CREATE VIEW projects_listing AS
SELECT p.id AS project_id,
       json_build_object(
         'code', p.code,
         'title', json_build_object('es', COALESCE(p.title_es, ''),
                                    'ca', COALESCE(p.title_ca, ''),
                                    'en', COALESCE(p.title_en, '')),
         'status', p.status,
         'primary_area', a.code,
         'areas', to_json(ARRAY(SELECT sa.code
                                  FROM projects_jointproject_areas pa
                                  JOIN cooperation_strategicarea sa ON sa.id = pa.strategicarea_id
                                 WHERE pa.jointproject_id = p.id
                                 ORDER BY sa.number)),
         'axes', to_json(ARRAY(SELECT x.code
                                 FROM projects_jointproject_axes px
                                 JOIN cooperation_axis x ON x.id = px.axis_id
                                WHERE px.jointproject_id = p.id
                                ORDER BY x.number)),
         'start_date', p.start_date,
         'end_date', p.end_date,
         'public', p.public,
         'institutions', COALESCE((SELECT json_agg(json_build_object('institution', i.code,
                                                                     'city', c.code,
                                                                     'role', pp.role)
                                                   ORDER BY pp.role, i.code)
                                     FROM projects_participation pp
                                     JOIN cooperation_institution i ON i.id = pp.institution_id
                                     JOIN cooperation_party c ON c.id = i.party_id
                                    WHERE pp.project_id = p.id), '[]'),
         -- As Python's isoformat() in UTC, as the API writes every instant: microseconds
         -- unless there are none, then "Z".
         'updated_at', to_char(p.updated_at AT TIME ZONE 'UTC',
                               CASE WHEN date_part('microseconds', p.updated_at)::bigint
                                         % 1000000 = 0
                                    THEN 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
                                    ELSE 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"' END)
       )::text AS representation
  FROM projects_jointproject p
  JOIN cooperation_strategicarea a ON a.id = p.primary_area_id
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
                ("representation", models.TextField()),
            ],
            options={
                "verbose_name": "project listing",
                "verbose_name_plural": "project listings",
                "db_table": "projects_listing",
                "managed": False,
            },
        ),
    ]
