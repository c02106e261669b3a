"""Turn the import's stored note ("Imported from a file (line 12).") into a message key.

The sentence was written in the importing official's language; as a key with the line number
it reads in each reader's. A migration must not import the app's code, so the sentence's
forms are written here. Any other note is what a person wrote and stays as it is.
"""

import re

from django.db import migrations

IMPORTED = re.compile(
    r"^(?:Imported from a file|Importado de un archivo|Importat d'un fitxer)"
    r" \((?:line|línea|línia) (\d+)\)\.$"
)


def to_keys(apps, schema_editor):
    ProjectEvent = apps.get_model("projects", "ProjectEvent")
    rows = ProjectEvent.objects.filter(note_key="", note__regex=IMPORTED.pattern)
    for event in rows.iterator():
        match = IMPORTED.match(event.note)
        if match:
            event.note_key = "imported"
            event.note_params = {"line": int(match.group(1))}
            event.note = ""
            event.save(update_fields=["note_key", "note_params", "note"])


def to_sentences(apps, schema_editor):
    ProjectEvent = apps.get_model("projects", "ProjectEvent")
    for event in ProjectEvent.objects.filter(note_key="imported").iterator():
        line = event.note_params.get("line", "")
        event.note = f"Importado de un archivo (línea {line})."
        event.note_key = ""
        event.note_params = {}
        event.save(update_fields=["note_key", "note_params", "note"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_timeline_message_keys")]

    operations = [migrations.RunPython(to_keys, to_sentences)]
