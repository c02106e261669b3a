"""Full-text search that ignores accents: one SQL function for the stored vectors and the queries.

"hidrica" must find "hídrica", "educacio" "educació", "collaboracio" "col·laboració", and the
accented query the unaccented text. PostgreSQL's ``unaccent`` extension is not always there
(the embedded PostgreSQL 16 ships without it; a city's server may have it), and ``unaccent()``
is only STABLE, which a generated column refuses. So the portal defines its own IMMUTABLE
``portal_unaccent(text)`` (migration ``cooperation/0006``) on ``translate()``, the same on every
server, and applies it to both sides: the texts inside the generated tsvector columns (kept by
their GIN indexes) and the searched words. A query's unaccented words are a constant the
planner folds, so the GIN index still finds the matches.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import models

UNACCENT_FUNCTION = "portal_unaccent"

# Each letter of the first string becomes the letter at the same place in the second: the
# Latin-1 and Latin Extended-A letters that Spanish, Catalan and English write, in both cases.
_ACCENTED = (
    "àáâãäåāăąÀÁÂÃÄÅĀĂĄçćĉċčÇĆĈĊČďđĎĐèéêëēĕėęěÈÉÊËĒĔĖĘĚĝğġģĜĞĠĢĥħĤĦìíîïĩīĭįıÌÍÎÏĨĪĬĮİĵĴķĶ"
    "ĺļľŀłĹĻĽĿŁñńņňÑŃŅŇòóôõöøōŏőÒÓÔÕÖØŌŎŐŕŗřŔŖŘśŝşšŚŜŞŠţťŧŢŤŦùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲŵŴýÿŷÝŸŶźżžŹŻŽ"
)
# Letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = {"đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i", "ł": "l", "Ł": "L"}
_UNDECOMPOSED |= {"ø": "o", "Ø": "O", "ŧ": "t", "Ŧ": "T"}
_PLAIN = "".join(
    _UNDECOMPOSED.get(letter) or unicodedata.normalize("NFKD", letter)[0] for letter in _ACCENTED
)
# Letters written as two: replaced before the one-for-one letters. Catalan's middle dot (l·l)
# has no counterpart in ``translate``'s second string, so it is dropped: "col·laboració" and
# "collaboracio" are one word; "ŀ" (a single letter with the dot) is mapped to "l" above.
_TWO_LETTERS = (("æ", "ae"), ("Æ", "AE"), ("œ", "oe"), ("Œ", "OE"), ("ß", "ss"))
_DROPPED = "·"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _body() -> str:
    expression = "$1"
    for letter, letters in _TWO_LETTERS:
        expression = f"replace({expression}, {_sql_literal(letter)}, {_sql_literal(letters)})"
    return f"translate({expression}, {_sql_literal(_ACCENTED + _DROPPED)}, {_sql_literal(_PLAIN)})"


# Only functions of pg_catalog inside (always found, whatever the search_path of a restore),
# and no SET clause, which would keep PostgreSQL from inlining the function into the queries.
CREATE_FUNCTION_SQL = (
    f"CREATE OR REPLACE FUNCTION {UNACCENT_FUNCTION}(text) RETURNS text "
    f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT {_body()} $$"
)
DROP_FUNCTION_SQL = f"DROP FUNCTION IF EXISTS {UNACCENT_FUNCTION}(text)"


class Unaccent(models.Func):
    """The text without its accents (``portal_unaccent``), in the database."""

    function = UNACCENT_FUNCTION
    output_field = models.TextField()


def unaccented_vector(fields: Iterable[str], config: str) -> SearchVector:
    """Return the text-search vector of ``fields`` read without accents, in one configuration."""
    return SearchVector(*(Unaccent(models.F(field)) for field in fields), config=config)


def unaccented_query(text: str, config: str) -> SearchQuery:
    """Return the web-search query of ``text`` without accents, to match ``unaccented_vector``."""
    return SearchQuery(Unaccent(models.Value(text)), config=config, search_type="websearch")
