"""Create ``portal_unaccent(text)``: the text without accents, an IMMUTABLE SQL function.

The stored search vectors of projects and practices (generated columns, which accept only
IMMUTABLE functions) and the searched words both read it, so that search ignores accents on
every server, whether or not it has the ``unaccent`` extension (``cooperation/search.py``).

The function is written out here as it was when the vectors were generated: changing it needs a
new migration that also generates the vectors again (``tests/test_search.py`` checks that the
database's function is the one ``cooperation.search`` defines).
"""

from django.db import migrations

CREATE = "CREATE OR REPLACE FUNCTION portal_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT translate(replace(replace(replace(replace(replace($1, 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'àáâãäåāăąÀÁÂÃÄÅĀĂĄçćĉċčÇĆĈĊČďđĎĐèéêëēĕėęěÈÉÊËĒĔĖĘĚĝğġģĜĞĠĢĥħĤĦìíîïĩīĭįıÌÍÎÏĨĪĬĮİĵĴķĶĺļľŀłĹĻĽĿŁñńņňÑŃŅŇòóôõöøōŏőÒÓÔÕÖØŌŎŐŕŗřŔŖŘśŝşšŚŜŞŠţťŧŢŤŦùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲŵŴýÿŷÝŸŶźżžŹŻŽ·', 'aaaaaaaaaAAAAAAAAAcccccCCCCCddDDeeeeeeeeeEEEEEEEEEggggGGGGhhHHiiiiiiiiiIIIIIIIIIjJkKlllllLLLLLnnnnNNNNoooooooooOOOOOOOOOrrrRRRssssSSSStttTTTuuuuuuuuuuUUUUUUUUUUwWyyyYYYzzzZZZ') $$"
DROP = "DROP FUNCTION IF EXISTS portal_unaccent(text)"


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0005_housekeeping_schedules")]

    operations = [migrations.RunSQL(CREATE, DROP)]
