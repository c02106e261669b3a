"""A floor for the portal's public pages and API: a plain WSGI app, written by hand.

    gunicorn bench.floor:application      # DATABASE_URL names the portal's database

It serves the same rows as the portal, with the fewest statements (psycopg2, JSON written by
PostgreSQL, no framework, no template engine), for what ``bench/pages.py`` measures:

- ``/projects/``: the catalogue's page of 20 public projects, with the filters (``city``,
  ``area``, ``axis``, ``status``, ``year``), the search (``q``, the current language's stored
  vector) and ``page``; two statements (the count, the page with its institutions);
- ``/projects/<code>/``: a public project with its institutions, areas, axes, milestones and
  indicators; one statement;
- ``/api/v1/projects/?page_size=N[&status=]`` and ``/api/v1/projects/<code>/``: the partner
  API's JSON for the bearer token's client (public projects and those its institution takes
  part in); one statement each, the token's check included.

The language is the first of ``Accept-Language`` among es, ca and en (Spanish otherwise), as
the portal's ``LocaleMiddleware`` picks it for a visitor without a cookie. Nothing of Django
is imported: this is the cost of the rows alone, with the least Python around them.
"""

from __future__ import annotations

import hashlib
import html
import os
from typing import Any
from urllib.parse import parse_qs

import psycopg2

PAGE_SIZE = 20
LANGUAGES = ("es", "ca", "en")
SEARCH_CONFIGS = {"es": "spanish", "ca": "simple", "en": "english"}
STATUSES = ("proposed", "approved", "active", "completed", "suspended", "cancelled")

_connection: Any = None


def _cursor() -> Any:
    """Return a cursor on the process's one connection (opened on first use, autocommit)."""
    global _connection
    if _connection is None or _connection.closed:
        # libpq reads the URL itself, a socket directory in its host part included.
        _connection = psycopg2.connect(os.environ["DATABASE_URL"])
        _connection.autocommit = True
    return _connection.cursor()


def _text(column: str, language: str) -> str:
    """Return the SQL of a translated text in ``language``, falling back as the portal does."""
    order = [language, *(other for other in ("es", "en", "ca") if other != language)]
    return "COALESCE(" + ", ".join(f"NULLIF({column}_{lang}, '')" for lang in order) + ", '')"


def _language(environ: dict[str, Any]) -> str:
    for part in environ.get("HTTP_ACCEPT_LANGUAGE", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return "es"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def catalogue_filters(query: dict[str, str], language: str) -> tuple[str, list[Any], str, list]:
    """Return the WHERE clause, its parameters, the ORDER BY and its parameters."""
    where: list[str] = ["p.public"]
    params: list[Any] = []
    area = _int(query.get("area"))
    if area:
        where.append(
            "(p.primary_area_id = %s OR EXISTS (SELECT 1 FROM projects_jointproject_areas pa "
            "WHERE pa.jointproject_id = p.id AND pa.strategicarea_id = %s))"
        )
        params += [area, area]
    axis = _int(query.get("axis"))
    if axis:
        where.append(
            "EXISTS (SELECT 1 FROM projects_jointproject_axes px "
            "WHERE px.jointproject_id = p.id AND px.axis_id = %s)"
        )
        params.append(axis)
    city = _int(query.get("city"))
    if city:
        where.append(
            "EXISTS (SELECT 1 FROM projects_participation pp JOIN cooperation_institution i "
            "ON i.id = pp.institution_id WHERE pp.project_id = p.id AND i.party_id = %s)"
        )
        params.append(city)
    if query.get("status") in STATUSES:
        where.append("p.status = %s")
        params.append(query["status"])
    year = _int(query.get("year"))
    if year and 2000 <= year <= 2100:
        where.append("p.start_date >= %s AND p.start_date < %s")
        params += [f"{year}-01-01", f"{year + 1}-01-01"]
    text = query.get("q", "").strip()
    order, order_params = "p.start_date DESC, p.code", list[Any]()
    if text:
        config = SEARCH_CONFIGS[language]
        where.append(f"p.search_{language} @@ websearch_to_tsquery(%s::regconfig, %s)")
        params += [config, text]
        order = (
            f"ts_rank(p.search_{language}, websearch_to_tsquery(%s::regconfig, %s)) DESC, "
            "p.start_date DESC, p.code"
        )
        order_params = [config, text]
    return " AND ".join(where), params, order, order_params


def catalogue(environ: dict[str, Any], query: dict[str, str]) -> tuple[str, bytes]:
    language = _language(environ)
    where, params, order, order_params = catalogue_filters(query, language)
    number = max(_int(query.get("page")) or 1, 1)
    cursor = _cursor()
    cursor.execute(f"SELECT count(*) FROM projects_jointproject p WHERE {where}", params)  # noqa: S608
    count = cursor.fetchone()[0]
    pages = max(1, -(-count // PAGE_SIZE))
    number = min(number, pages)
    # The page's keys first (narrow, from the indexes), then its few rows with what they show.
    cursor.execute(
        f"""
        WITH page AS (
          SELECT p.id, row_number() OVER () AS position FROM (
            SELECT p.id FROM projects_jointproject p WHERE {where}
             ORDER BY {order} LIMIT %s OFFSET %s) AS p
        )
        SELECT p.code, {_text("p.title", language)}, p.status, p.start_date, p.end_date,
               a.name_{language},
               (SELECT string_agg(COALESCE(NULLIF(i.acronym, ''), {_text("i.name", language)})
                                  || ' (' || c.code || ')', '|' ORDER BY pp.role, i.name)
                  FROM projects_participation pp
                  JOIN cooperation_institution i ON i.id = pp.institution_id
                  JOIN cooperation_party c ON c.id = i.party_id
                 WHERE pp.project_id = p.id)
          FROM page JOIN projects_jointproject p ON p.id = page.id
          JOIN cooperation_strategicarea a ON a.id = p.primary_area_id
         ORDER BY page.position
        """,  # noqa: S608 (clauses built above from fixed SQL)
        [*params, *order_params, PAGE_SIZE, (number - 1) * PAGE_SIZE],
    )
    escape = html.escape
    out = [
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        "<title>Projects</title></head><body><main>"
        f'<h2 id="results-title">{count} projects</h2><ul class="project-list">'
    ]
    for code, title, status, start, end, area, tags in cursor.fetchall():
        spans = "".join(f'<span class="tag">{escape(t)}</span>' for t in (tags or "").split("|"))
        out.append(
            f'<li><h2><a href="/projects/{code}/">{escape(title)}</a></h2>'
            f'<p class="meta">{code} · {status} · {start.year}–{end.year} · {escape(area)}</p>'
            f"<p>{spans}</p></li>"
        )
    out.append(f"</ul><p>Page {number} of {pages}</p></main></body></html>")
    return "text/html; charset=utf-8", "".join(out).encode()


DETAIL_SQL = """
SELECT {title}, p.code, p.status, p.start_date, p.end_date, {summary}, {impact}, a.name_{lang},
       (SELECT json_agg(json_build_object('city', {city}, 'name', {institution},
                                          'role', pp.role)
                        ORDER BY c.code, pp.role, i.name)
          FROM projects_participation pp
          JOIN cooperation_institution i ON i.id = pp.institution_id
          JOIN cooperation_party c ON c.id = i.party_id
         WHERE pp.project_id = p.id),
       ARRAY(SELECT s.name_{lang} FROM projects_jointproject_areas pa
               JOIN cooperation_strategicarea s ON s.id = pa.strategicarea_id
              WHERE pa.jointproject_id = p.id ORDER BY s.number),
       ARRAY(SELECT x.name_{lang} FROM projects_jointproject_axes px
               JOIN cooperation_axis x ON x.id = px.axis_id
              WHERE px.jointproject_id = p.id ORDER BY x.number),
       (SELECT json_agg(json_build_object('title', m.title, 'due', m.due_date,
                                          'status', m.status) ORDER BY m.due_date, m.id)
          FROM projects_milestone m WHERE m.project_id = p.id),
       (SELECT json_agg(json_build_object('name', n.name, 'unit', n.unit,
                                          'baseline', n.baseline, 'target', n.target,
                                          'latest', (SELECT v.value FROM projects_measurement v
                                                      WHERE v.indicator_id = n.id
                                                      ORDER BY v.date DESC, v.id DESC LIMIT 1))
                        ORDER BY n.id)
          FROM projects_indicator n WHERE n.project_id = p.id)
  FROM projects_jointproject p
  JOIN cooperation_strategicarea a ON a.id = p.primary_area_id
 WHERE p.code = %s AND p.public
"""


def detail(environ: dict[str, Any], code: str) -> tuple[str, bytes] | None:
    lang = _language(environ)
    cursor = _cursor()
    cursor.execute(
        DETAIL_SQL.format(
            lang=lang,
            title=_text("p.title", lang),
            summary=_text("p.summary", lang),
            impact=_text("p.impact", lang),
            city=_text("c.name", lang),
            institution=_text("i.name", lang),
        ),
        [code],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    title, code, status, start, end, summary, impact, area, parts, areas, axes, miles, inds = row
    escape = html.escape
    out = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
        f'<p class="meta">{code} · {status} · {start} – {end}</p>'
        f'<p class="lead">{escape(summary)}</p><p>{escape(impact)}</p><div class="cards">'
    ]
    city = None
    for part in parts or []:
        if part["city"] != city:
            out.append(
                ("</ul></div>" if city else "") + f"<div><h3>{escape(part['city'])}</h3><ul>"
            )
            city = part["city"]
        out.append(f"<li>{escape(part['name'])} ({part['role']})</li>")
    out.append(f"{'</ul></div>' if city else ''}</div><dl><dd>{escape(area)}</dd>")
    out.append(f"<dd>{'; '.join(escape(a) for a in areas)}</dd>")
    out.append(f"<dd>{'; '.join(escape(a) for a in axes)}</dd></dl><table>")
    for milestone in miles or []:
        out.append(
            f"<tr><td>{escape(milestone['title'])}</td><td>{milestone['due']}</td>"
            f"<td>{milestone['status']}</td></tr>"
        )
    out.append("</table><table>")
    for indicator in inds or []:
        out.append(
            f"<tr><td>{escape(indicator['name'])} ({escape(indicator['unit'])})</td>"
            f"<td>{indicator['baseline']}</td><td>{indicator['target']}</td>"
            f"<td>{indicator['latest']}</td></tr>"
        )
    out.append("</table></main></body></html>")
    return "text/html; charset=utf-8", "".join(out).encode()


# The bearer token's client, as the portal checks it: the token unexpired, its application's
# partner profile not revoked, the account active. Every API statement starts with it.
CALLER_SQL = """
WITH caller AS (
  SELECT pr.institution_id
    FROM oauth2_provider_accesstoken t
    JOIN oauth2_provider_application ap ON ap.id = t.application_id
    JOIN api_partnerprofile pr ON pr.application_id = ap.id
    JOIN cooperation_user u ON u.id = pr.account_id
   WHERE t.token_checksum = %s AND t.expires > now() AND pr.revoked_at IS NULL AND u.is_active
)
"""
# Row by row (a scalar subquery on the unique index): IN or EXISTS would hash all of the
# institution's participations for every page.
VISIBLE = (
    "(p.public OR (SELECT true FROM projects_participation o, caller "
    "WHERE o.project_id = p.id AND o.institution_id = caller.institution_id))"
)
LISTING = """
json_build_object(
  'code', p.code,
  'title', json_build_object('es', COALESCE(p.title_es, ''), 'ca', COALESCE(p.title_ca, ''),
                             'en', COALESCE(p.title_en, '')),
  'status', p.status, 'primary_area', a.code,
  'areas', to_json(ARRAY(SELECT sa.code FROM projects_jointproject_areas pa
                           JOIN cooperation_strategicarea sa ON sa.id = pa.strategicarea_id
                          WHERE pa.jointproject_id = p.id ORDER BY sa.number)),
  'axes', to_json(ARRAY(SELECT x.code FROM projects_jointproject_axes px
                          JOIN cooperation_axis x ON x.id = px.axis_id
                         WHERE px.jointproject_id = p.id ORDER BY x.number)),
  'start_date', p.start_date, 'end_date', p.end_date, 'public', p.public,
  'institutions', COALESCE((SELECT json_agg(json_build_object('institution', i.code,
                                                              'city', c.code, 'role', pp.role)
                                            ORDER BY pp.role, i.code)
                              FROM projects_participation pp
                              JOIN cooperation_institution i ON i.id = pp.institution_id
                              JOIN cooperation_party c ON c.id = i.party_id
                             WHERE pp.project_id = p.id), '[]'),
  'updated_at', to_char(p.updated_at AT TIME ZONE 'UTC',
                        CASE WHEN date_part('microseconds', p.updated_at)::bigint %% 1000000 = 0
                             THEN 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
                             ELSE 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"' END)
)
"""
# Fixed SQL; {listing}, {visible} and {extra} are filled from the constants here.
API_LIST_SQL = (
    CALLER_SQL  # noqa: S608
    + """
SELECT (SELECT count(*) FROM caller),
       COALESCE((SELECT json_agg(page.row ORDER BY page.code)::text FROM (
         SELECT p.code, {listing} AS row
           FROM projects_jointproject p
           JOIN cooperation_strategicarea a ON a.id = p.primary_area_id
          WHERE {visible} {extra}
          ORDER BY p.code LIMIT %s) AS page), '[]')
"""
)
API_DETAIL_SQL = (
    CALLER_SQL  # noqa: S608
    + """
SELECT (SELECT count(*) FROM caller),
       (SELECT (({listing})::jsonb || jsonb_build_object(
          'summary', json_build_object('es', COALESCE(p.summary_es, ''),
                                       'ca', COALESCE(p.summary_ca, ''),
                                       'en', COALESCE(p.summary_en, '')),
          'impact', json_build_object('es', COALESCE(p.impact_es, ''),
                                      'ca', COALESCE(p.impact_ca, ''),
                                      'en', COALESCE(p.impact_en, '')),
          'funding', COALESCE((SELECT json_agg(json_build_object(
                                 'funder', COALESCE(fi.code, fp.code), 'amount', f.amount::text,
                                 'currency', f.currency, 'year', f.year, 'kind', f.kind)
                               ORDER BY f.year, f.id)
                                 FROM projects_fundingcommitment f
                                 LEFT JOIN cooperation_institution fi
                                        ON fi.id = f.funder_institution_id
                                 LEFT JOIN cooperation_party fp ON fp.id = f.funder_party_id
                                WHERE f.project_id = p.id), '[]'),
          'milestones', COALESCE((SELECT json_agg(json_build_object(
                                    'id', m.id, 'project', p.code, 'title', m.title,
                                    'due_date', m.due_date, 'status', m.status,
                                    'completed_on', m.completed_on,
                                    'evidence_url', m.evidence_url,
                                    'late', m.status <> 'done' AND m.due_date < current_date)
                                  ORDER BY m.due_date, m.id)
                                    FROM projects_milestone m WHERE m.project_id = p.id), '[]'),
          'indicators', COALESCE((SELECT json_agg(json_build_object(
                                    'id', n.id, 'name', n.name, 'unit', n.unit,
                                    'baseline', n.baseline::text, 'target', n.target::text,
                                    'measurements', COALESCE((SELECT json_agg(json_build_object(
                                        'id', v.id, 'indicator', n.id, 'date', v.date,
                                        'value', v.value::text) ORDER BY v.date, v.id)
                                      FROM projects_measurement v
                                     WHERE v.indicator_id = n.id), '[]'))
                                  ORDER BY n.id)
                                    FROM projects_indicator n WHERE n.project_id = p.id), '[]')
        ))::text
          FROM projects_jointproject p
          JOIN cooperation_strategicarea a ON a.id = p.primary_area_id
         WHERE p.code = %s AND {visible})
"""
)


def _checksum(environ: dict[str, Any]) -> str | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() != "bearer ":
        return None
    return hashlib.sha256(header[7:].strip().encode()).hexdigest()


def api_list(environ: dict[str, Any], query: dict[str, str]) -> tuple[int, bytes]:
    checksum = _checksum(environ)
    if checksum is None:
        return 401, b'{"detail": "no token"}'
    size = _int(query.get("page_size")) or 50
    if not 1 <= size <= 100:
        return 400, b'{"page_size": "1..100"}'
    extra, params = "", [checksum]
    if query.get("status") in STATUSES:
        extra, status = "AND p.status = %s", query["status"]
        params.append(status)
    cursor = _cursor()
    cursor.execute(
        API_LIST_SQL.format(listing=LISTING, visible=VISIBLE, extra=extra), [*params, size]
    )
    found, rows = cursor.fetchone()
    if not found:
        return 401, b'{"detail": "bad token"}'
    return 200, b'{"next":null,"previous":null,"results":' + rows.encode() + b"}"


def api_detail(environ: dict[str, Any], code: str) -> tuple[int, bytes]:
    checksum = _checksum(environ)
    if checksum is None:
        return 401, b'{"detail": "no token"}'
    cursor = _cursor()
    cursor.execute(API_DETAIL_SQL.format(listing=LISTING, visible=VISIBLE), [checksum, code])
    found, body = cursor.fetchone()
    if not found:
        return 401, b'{"detail": "bad token"}'
    if body is None:
        return 404, b'{"detail": "not found"}'
    return 200, body.encode()


def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answer the catalogue, a project's page and the API's project list and detail."""
    path = environ.get("PATH_INFO", "/")
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    status, content_type, body = 404, "text/plain", b"not found"
    if path == "/projects/":
        content_type, body = catalogue(environ, query)
        status = 200
    elif path.startswith("/projects/") and path.count("/") == 3:
        found = detail(environ, path.split("/")[2])
        if found is not None:
            (content_type, body), status = found, 200
    elif path == "/api/v1/projects/":
        status, body = api_list(environ, query)
        content_type = "application/json"
    elif path.startswith("/api/v1/projects/") and path.count("/") == 5:
        status, body = api_detail(environ, path.split("/")[4])
        content_type = "application/json"
    reasons = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
    start_response(
        f"{status} {reasons[status]}",
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
    )
    return [body]
