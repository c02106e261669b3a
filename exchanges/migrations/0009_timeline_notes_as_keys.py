"""Turn the timeline's stored sentences into message keys, so each reader reads their language.

Before 0008 the portal wrote its own notes as sentences in the language of whoever made the
change. The sentences it wrote are known in the three languages (copied here from the
catalogues of that time, as a migration must not import the app's code): a row whose note is
one of them gets the key and loses the sentence. Anything else is what a person wrote, and
stays as it is.
"""

from django.db import migrations

NOTES = {
    "sent_to_host": (
        "Sent to the host institution.",
        "Enviada a la institución de acogida.",
        "Enviada a la institució d'acollida.",
    ),
    "erasure_requested": (
        "Erasure requested.",
        "Supresión solicitada.",
        "Supressió sol·licitada.",
    ),
    "visa_refused": (
        "Visa refused: the stay cannot start.",
        "Visado denegado: la estancia no puede empezar.",
        "Visat denegat: l'estada no pot començar.",
    ),
    "report_handed_in": (
        "Final report handed in.",
        "Informe final entregado.",
        "Informe final lliurat.",
    ),
    "signed_one_city": (
        "Signed for one city; awaiting the other city's signature.",
        "Firmada por una ciudad; a la espera de la firma de la otra ciudad.",
        "Signada per una ciutat; a l'espera de la signatura de l'altra ciutat.",
    ),
    "signed_no_place": (
        "Signed by both cities; the host has no place left: on the waiting list, in ranking order.",
        "Firmada por ambas ciudades; la institución de acogida no tiene plazas libres: en la "
        "lista de espera, por orden de clasificación.",
        "Signada per les dues ciutats; la institució d'acollida no té places lliures: a la "
        "llista d'espera, per ordre de classificació.",
    ),
    "signed_waiting_place": (
        "Signed by both cities; waiting for a place at the host.",
        "Firmada por ambas ciudades; a la espera de una plaza en la institución de acogida.",
        "Signada per les dues ciutats; a l'espera d'una plaça a la institució d'acollida.",
    ),
    "place_freed": (
        "A place became free: first on the waiting list.",
        "Ha quedado una plaza libre: primera de la lista de espera.",
        "Ha quedat una plaça lliure: primera de la llista d'espera.",
    ),
}


def to_keys(apps, schema_editor):
    ApplicationEvent = apps.get_model("exchanges", "ApplicationEvent")
    for key, texts in NOTES.items():
        ApplicationEvent.objects.filter(note_key="", note__in=texts).update(note_key=key, note="")


def to_sentences(apps, schema_editor):
    # Back to the sentences, in Spanish (the portal's default language).
    ApplicationEvent = apps.get_model("exchanges", "ApplicationEvent")
    for key, texts in NOTES.items():
        ApplicationEvent.objects.filter(note_key=key, note="").update(note=texts[1])


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0008_timeline_message_keys")]

    operations = [migrations.RunPython(to_keys, to_sentences)]
