"""URLs of the API benchmark: the portal's, plus the raw-SQL baseline view (bench/api.py)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

PAGE_SQL = """
SELECT json_build_object('next', NULL, 'previous', NULL,
                         'results', COALESCE(json_agg(page), '[]'))::text
FROM (
  SELECT p.code,
         json_build_object('es', COALESCE(p.title_es, ''), 'ca', COALESCE(p.title_ca, ''),
                           'en', COALESCE(p.title_en, '')) AS title,
         p.status,
         a.code AS primary_area,
         COALESCE((SELECT json_agg(sa.code ORDER BY sa.number)
                     FROM projects_jointproject_areas pa
                     JOIN cooperation_strategicarea sa ON sa.id = pa.strategicarea_id
                    WHERE pa.jointproject_id = p.id), '[]') AS areas,
         COALESCE((SELECT json_agg(x.code ORDER BY x.number)
                     FROM projects_jointproject_axes px
                     JOIN cooperation_axis x ON x.id = px.axis_id
                    WHERE px.jointproject_id = p.id), '[]') AS axes,
         p.start_date, p.end_date, p.public,
         COALESCE((SELECT json_agg(json_build_object('institution', i.code, 'city', c.code,
                                                     'role', pp.role) ORDER BY pp.role, i.code)
                     FROM projects_participation pp
                     JOIN cooperation_institution i ON i.id = pp.institution_id
                     JOIN cooperation_party c ON c.id = i.party_id
                    WHERE pp.project_id = p.id), '[]') AS institutions,
         to_char(p.updated_at AT TIME ZONE 'UTC',
                 CASE WHEN date_part('microseconds', p.updated_at)::bigint %% 1000000 = 0
                      THEN 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
                      ELSE 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"' END) AS updated_at
    FROM projects_jointproject p
    JOIN cooperation_strategicarea a ON a.id = p.primary_area_id
   WHERE (p.public OR EXISTS (SELECT 1 FROM projects_participation o
                               WHERE o.project_id = p.id AND o.institution_id = %s))
     {extra}
   ORDER BY p.code
   LIMIT 100
) AS page
"""


def raw_projects(request: HttpRequest) -> HttpResponse:
    """The floor: the same page of JSON, made by PostgreSQL in one statement."""
    extra, params = "", [request.GET["institution"]]
    if "status" in request.GET:
        extra = "AND p.status = %s"
        params.append(request.GET["status"])
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL.format(extra=extra), params)
        body = cursor.fetchone()[0]
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("raw/projects/", raw_projects),
    path("", include("config.urls")),
]
