"""factory_boy factories for the programme's reference data and users."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from cooperation.models import Institution, Party, User


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    code = factory.Sequence(lambda n: f"INST{n:04d}")
    name = factory.Sequence(lambda n: f"Institución {n}")
    name_es = factory.SelfAttribute("name")
    acronym = factory.Sequence(lambda n: f"I{n}")
    kind = Institution.Kind.UNIVERSITY
    party = factory.LazyFunction(lambda: Party.objects.get(code="CDMX"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Ana"
    last_name = "Pérez"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
            for role in extracted or []:
                self.groups.add(Group.objects.get(name=role))
