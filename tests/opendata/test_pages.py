"""The open-data page, the files' downloads (ETag, 304) and the DCAT catalogue."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.utils.http import http_date

from opendata.datasets import DATASETS
from opendata.models import Release, ReleaseFile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "title"),
    [
        ("es", "Datos abiertos", "Proyectos conjuntos"),
        ("ca", "Dades obertes", "Projectes conjunts"),
        ("en", "Open data", "Joint projects"),
    ],
)
def test_the_page_lists_each_dataset_with_licence_size_formats_and_checksum(
    published, django_assert_num_queries, language, heading, title
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    # The latest release, its files, the history.
    with django_assert_num_queries(3):
        response = client.get("/open-data/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in page
    assert title in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    for item in published.files.all():
        assert item.sha256 in page
        assert f"/open-data/releases/{published.pk}/{item.dataset}/{item.format}/" in page
    # Each dataset, the two standards (360Giving, IATI), and the history.
    assert page.count("<section") == len(DATASETS) + 3


def test_the_page_without_any_release_says_so(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/open-data/")
    assert response.status_code == 200
    assert "No release has been published yet." in response.content.decode()


def test_a_file_streams_with_its_checksum_as_etag_and_a_current_copy_gets_304(published, client):
    item = published.files.get(dataset="projects", format="csv")
    url = f"/open-data/releases/{published.pk}/projects/csv/"
    response = client.get(url)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["ETag"] == f'"{item.sha256}"'
    assert hashlib.sha256(body).hexdigest() == item.sha256
    assert response["Last-Modified"] == http_date(int(published.published_at.timestamp()))
    again = client.get(url, HTTP_IF_NONE_MATCH=f'"{item.sha256}"')
    assert again.status_code == 304 and again["ETag"] == f'"{item.sha256}"'
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    stale = client.get(url, HTTP_IF_NONE_MATCH='"0000"')
    assert stale.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "releases/{pk}/nothing/csv/",
        "releases/{pk}/projects/xlsx/",
        "releases/999999/projects/csv/",
    ],
)
def test_unknown_datasets_formats_and_releases_are_404(published, client, path):
    assert client.get("/open-data/" + path.format(pk=published.pk)).status_code == 404


def test_a_release_not_published_serves_no_file(published, client):
    Release.objects.filter(pk=published.pk).update(state=Release.State.BUILDING)
    response = client.get(f"/open-data/releases/{published.pk}/projects/csv/")
    assert response.status_code == 404
    assert client.get("/open-data/catalog.jsonld").json()["dcat:dataset"] == []


def test_the_dcat_catalogue_describes_every_distribution_and_each_url_resolves(published, client):
    response = client.get("/open-data/catalog.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    catalogue = response.json()
    assert catalogue["@type"] == "dcat:Catalog"
    assert {t["@language"] for t in catalogue["dct:title"]} == {"es", "ca", "en"}
    files = {
        f"http://testserver/open-data/releases/{published.pk}/{f.dataset}/{f.format}/": f
        for f in published.files.all()
    }
    seen = set()
    assert {d["dct:identifier"] for d in catalogue["dcat:dataset"]} == {
        *(d.code for d in DATASETS),
        "grants",
        "activities",
    }
    for dataset in catalogue["dcat:dataset"]:
        assert {t["@language"] for t in dataset["dct:description"]} == {"es", "ca", "en"}
        assert dataset["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
        assert dataset["dct:publisher"]["@id"] == catalogue["dct:publisher"]["@id"]
        for distribution in dataset["dcat:distribution"]:
            url = distribution["dcat:downloadURL"]["@id"]
            item: ReleaseFile = files[url]
            assert distribution["spdx:checksum"]["spdx:checksumValue"] == item.sha256
            assert distribution["dcat:mediaType"]["@id"].endswith(item.media_type)
            assert distribution["dcat:byteSize"]["@value"] == str(item.size)
            assert distribution["dct:modified"]["@value"] == published.published_at.isoformat()
            download = client.get(url.removeprefix("http://testserver"))
            assert download.status_code == 200
            assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == item.sha256
            seen.add(url)
    assert seen == set(files)


def _graph(client, path: str, format: str):
    import rdflib

    response = client.get(path)
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.content, format=format)


def test_the_dcat_catalogue_parses_as_rdf_with_its_datasets_distributions_and_licences(
    published, client
):
    from rdflib import RDF, Literal, Namespace, URIRef
    from rdflib.compare import isomorphic

    dcat = Namespace("http://www.w3.org/ns/dcat#")
    dct = Namespace("http://purl.org/dc/terms/")
    spdx = Namespace("http://spdx.org/rdf/terms#")
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    jsonld = _graph(client, "/open-data/catalog.jsonld", "json-ld")
    rdfxml = _graph(client, "/open-data/catalog.rdf", "xml")
    # The same triples in both serialisations (blank nodes, the checksums, matched as such).
    assert isomorphic(jsonld, rdfxml)

    files = {
        URIRef(f"http://testserver/open-data/releases/{published.pk}/{f.dataset}/{f.format}/"): f
        for f in published.files.all()
    }
    (catalog,) = jsonld.subjects(RDF.type, dcat.Catalog)
    assert catalog == URIRef("http://testserver/open-data/catalog.jsonld")
    datasets = set(jsonld.subjects(RDF.type, dcat.Dataset))
    assert set(jsonld.objects(catalog, dcat.dataset)) == datasets
    assert {str(jsonld.value(d, dct.identifier)) for d in datasets} == {
        *(d.code for d in DATASETS),
        "grants",
        "activities",
    }
    assert jsonld.value(catalog, dct.license) == licence
    distributions = set()
    for dataset in datasets:
        assert jsonld.value(dataset, dct.license) == licence
        assert {t.language for t in jsonld.objects(dataset, dct.title)} == {"es", "ca", "en"}
        distributions |= set(jsonld.objects(dataset, dcat.distribution))
    assert distributions == set(jsonld.subjects(RDF.type, dcat.Distribution))
    assert {jsonld.value(d, dcat.downloadURL) for d in distributions} == set(files)
    for distribution in distributions:
        url = jsonld.value(distribution, dcat.downloadURL)
        assert isinstance(url, URIRef)
        item = files[url]
        assert jsonld.value(distribution, dct.license) == licence
        assert jsonld.value(distribution, dcat.byteSize).toPython() == item.size
        assert str(jsonld.value(distribution, dcat.mediaType)).endswith(item.media_type)
        checksum = jsonld.value(distribution, spdx.checksum)
        assert jsonld.value(checksum, spdx.checksumValue) == Literal(item.sha256)
        assert jsonld.value(checksum, spdx.algorithm) == spdx.checksumAlgorithm_sha256


def test_the_catalogue_in_rdf_xml_holds_the_same_distributions(published, client):
    from lxml import etree

    response = client.get("/open-data/catalog.rdf")
    assert response["Content-Type"].startswith("application/rdf+xml")
    tree = etree.fromstring(response.content)
    ns = {
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "spdx": "http://spdx.org/rdf/terms#",
    }
    assert tree.xpath("/rdf:RDF/dcat:Catalog", namespaces=ns)
    urls = tree.xpath("//dcat:Distribution/dcat:downloadURL/@rdf:resource", namespaces=ns)
    assert sorted(urls) == sorted(
        f"http://testserver/open-data/releases/{published.pk}/{f.dataset}/{f.format}/"
        for f in published.files.all()
    )
    checksums = tree.xpath("//spdx:Checksum/spdx:checksumValue/text()", namespaces=ns)
    assert sorted(checksums) == sorted(f.sha256 for f in published.files.all())
    languages = tree.xpath(
        "/rdf:RDF/dcat:Catalog/dct:title/@xml:lang",
        namespaces={**ns, "xml": "http://www.w3.org/XML/1998/namespace"},
    )
    assert sorted(languages) == ["ca", "en", "es"]
