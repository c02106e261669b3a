"""Factories and helpers for the stays workflow's tests."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from exchanges.models import Call, CallHost, Criterion, Direction, ResearcherProfile


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "cv.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Convocatoria {n}")
    title_es = factory.SelfAttribute("title")
    description = "Estancias de investigación."
    description_es = factory.SelfAttribute("description")
    direction = Direction.CDMX_TO_BCN
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    stays_from = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    stays_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=400))
    min_duration_days = 30
    max_duration_days = 180
    monthly_stipend = Decimal("1500.00")
    stipend_currency = "EUR"

    @factory.post_generation
    def criteria(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            Criterion.objects.create(
                call_id=self.pk,
                name="Calidad científica",
                name_es="Calidad científica",
                weight=60,
                order=1,
            )
            Criterion.objects.create(
                call_id=self.pk,
                name="Impacto social y urbano",
                name_es="Impacto social y urbano",
                weight=40,
                is_social_impact=True,
                order=2,
            )


def add_host(call: Call, institution, places: int = 1) -> CallHost:
    return CallHost.objects.create(call=call, institution=institution, places=places)


def make_profile(user, institution) -> ResearcherProfile:
    return ResearcherProfile.objects.create(
        user=user, home_institution=institution, career_stage=ResearcherProfile.CareerStage.R2
    )
