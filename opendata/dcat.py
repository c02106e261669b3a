"""The DCAT-AP catalogue (JSON-LD) of the latest release, for CKAN's ckanext-dcat and others.

Every dataset and distribution, with titles and descriptions in each language, the licence,
the download URL, the media type, the modification date, the size and the SPDX checksum.
Links are absolute under ``SITE_URL``, the portal's public address (never the request's Host).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opendata.columns import LANGUAGES
from opendata.datasets import REGISTRY
from opendata.models import Release, ReleaseFile
from opendata.standards_release import STANDARD_DATASETS

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
IANA = "https://www.iana.org/assignments/media-types/"
CATALOGUE_TITLE = _("Open data of the CDMX–BCN cooperation programme")
CATALOGUE_DESCRIPTION = _(
    "Public datasets of the science, technology and education cooperation programme between "
    "Mexico City and Barcelona: joint projects, funding, institutions, calls, stays and practices."
)


def _languages(text: Promise | str) -> list[dict[str, str]]:
    values = []
    for language in LANGUAGES:
        with translation.override(language):
            values.append({"@value": str(text), "@language": language})
    return values


def site() -> str:
    return settings.SITE_URL.rstrip("/")


def download_url(item: ReleaseFile) -> str:
    return site() + reverse("opendata:download", args=[item.release_id, item.dataset, item.format])


def _distribution(item: ReleaseFile, release: Release, modified: str) -> dict[str, Any]:
    url = download_url(item)
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": {"@value": item.filename},
        "dct:format": item.get_format_display(),
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": {"@id": IANA + item.media_type},
        "dcat:byteSize": {"@value": str(item.size), "@type": "xsd:decimal"},
        "dct:license": {"@id": release.licence_url},
        "dct:modified": {"@value": modified, "@type": "xsd:dateTime"},
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": item.sha256,
        },
    }


def catalogue(release: Release | None) -> dict[str, Any]:
    """Return the catalogue as a JSON-LD document (empty of datasets before any release)."""
    page = site() + reverse("opendata:index")
    publisher = {
        "@id": page + "#publisher",
        "@type": "foaf:Agent",
        "foaf:name": str(settings.OPENDATA_PUBLISHER),
    }
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": site() + reverse("opendata:catalog"),
        "@type": "dcat:Catalog",
        "dct:title": _languages(CATALOGUE_TITLE),
        "dct:description": _languages(CATALOGUE_DESCRIPTION),
        "dct:publisher": publisher,
        "foaf:homepage": {"@id": page},
        "dct:language": [
            {"@id": f"http://publications.europa.eu/resource/authority/language/{code}"}
            for code in ("SPA", "CAT", "ENG")
        ],
        "dcat:dataset": [],
    }
    if release is None:
        return document
    modified = release.published_at.isoformat() if release.published_at else ""
    document["dct:modified"] = {"@value": modified, "@type": "xsd:dateTime"}
    document["dct:license"] = {"@id": release.licence_url}
    grouped: dict[str, list[ReleaseFile]] = {}
    for item in release.files.all():
        grouped.setdefault(item.dataset, []).append(item)
    for code, files in grouped.items():
        described = REGISTRY.get(code) or STANDARD_DATASETS.get(code)
        title = described.title if described else code
        description = described.description if described else code
        document["dcat:dataset"].append(
            {
                "@id": f"{page}#dataset-{code}",
                "@type": "dcat:Dataset",
                "dct:identifier": code,
                "dct:title": _languages(title),
                "dct:description": _languages(description),
                "dct:publisher": {"@id": publisher["@id"]},
                "dct:license": {"@id": release.licence_url},
                "dct:modified": {"@value": modified, "@type": "xsd:dateTime"},
                "dct:issued": {"@value": release.release_date.isoformat(), "@type": "xsd:date"},
                "dcat:landingPage": {"@id": f"{page}#dataset-{code}"},
                "dcat:distribution": [_distribution(f, release, modified) for f in files],
            }
        )
    return document


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _qualified(name: str) -> str:
    prefix, local = name.split(":", 1)
    return f"{{{CONTEXT[prefix]}}}{local}"


def _expand(value: str) -> str:
    """Expand a compact IRI of the context (``xsd:date``); leave a full one as it is."""
    prefix, _sep, local = value.partition(":")
    return CONTEXT[prefix] + local if prefix in CONTEXT and not local.startswith("//") else value


def _property(parent: Any, name: str, value: Any) -> None:
    from xml.etree import ElementTree as ET

    for item in value if isinstance(value, list) else [value]:
        element = ET.SubElement(parent, _qualified(name))
        if isinstance(item, dict) and "@value" in item:  # a literal (typed, or in a language)
            element.text = str(item["@value"])
            if "@language" in item:
                element.set(XML_LANG, item["@language"])
            if "@type" in item:
                element.set(f"{{{RDF}}}datatype", _expand(item["@type"]))
        elif isinstance(item, dict) and "@type" in item:  # a node described here
            _node(element, item)
        elif isinstance(item, dict):  # a link to a node described elsewhere
            element.set(f"{{{RDF}}}resource", _expand(item["@id"]))
        else:
            element.text = str(item)


def _node(parent: Any, node: dict[str, Any]) -> Any:
    from xml.etree import ElementTree as ET

    element = ET.SubElement(parent, _qualified(node["@type"]))
    if "@id" in node:
        element.set(f"{{{RDF}}}about", node["@id"])
    for name, value in node.items():
        if not name.startswith("@"):
            _property(element, name, value)
    return element


def catalogue_rdf(document: dict[str, Any]) -> bytes:
    """Return the JSON-LD catalogue as RDF/XML (the same triples), for harvesters that want it."""
    from xml.etree import ElementTree as ET

    ET.register_namespace("rdf", RDF)
    for prefix, iri in CONTEXT.items():
        ET.register_namespace(prefix, iri)
    root = ET.Element(f"{{{RDF}}}RDF")
    _node(root, document)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
