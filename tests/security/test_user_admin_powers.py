"""A programme administrator keeps accounts and roles, never the powers beyond every role.

Making a superuser, giving permissions one by one, or changing a superuser's account (its
password, its e-mail) is left to superusers: otherwise a role could grant itself more than it
has. Each path of the user admin is tried: the change form, the password form, deletion.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from cooperation.models import User
from tests.admin_forms import admin_form
from tests.conftest import _with_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db) -> User:
    return _with_totp(
        UserFactory(email="root@example.org", is_staff=True, is_superuser=True, roles=[])
    )


def _change_data(client, user: User, **changes) -> dict:
    """Return the change form as the browser would post it, with changes."""
    page = client.get(f"/admin/cooperation/user/{user.pk}/change/")
    data = admin_form(page.content.decode(), "user_form")
    data.update(changes)
    return data


def test_a_programme_admin_cannot_make_a_superuser_or_give_permissions(
    login, programme_admin, researcher
):
    client = login(programme_admin)
    permission = Permission.objects.get(codename="delete_user")
    data = _change_data(
        client,
        researcher,
        last_name="Nuevo",
        is_superuser="on",
        user_permissions=[permission.pk],
    )
    response = client.post(f"/admin/cooperation/user/{researcher.pk}/change/", data)
    assert response.status_code == 302
    researcher.refresh_from_db()
    assert researcher.last_name == "Nuevo"  # the account itself is theirs to keep
    assert researcher.is_superuser is False
    assert not researcher.user_permissions.exists()


def test_a_superuser_may_make_a_superuser(login, superuser, researcher):
    client = login(superuser)
    data = _change_data(client, researcher, is_superuser="on")
    assert client.post(f"/admin/cooperation/user/{researcher.pk}/change/", data).status_code == 302
    researcher.refresh_from_db()
    assert researcher.is_superuser is True


def test_a_programme_admin_only_reads_a_superusers_account(login, programme_admin, superuser):
    client = login(programme_admin)
    base = f"/admin/cooperation/user/{superuser.pk}"
    page = client.get(f"{base}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    data = {"email": "taken@example.org", "first_name": "X", "last_name": "Y"}
    assert client.post(f"{base}/change/", data).status_code == 403
    password = {"password1": "an0ther-Long-pass", "password2": "an0ther-Long-pass"}
    assert client.post(f"{base}/password/", password).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "root@example.org"
    assert superuser.check_password("an0ther-Long-pass") is False


def test_a_programme_admin_changes_an_officials_roles(login, programme_admin, official_bcn):
    client = login(programme_admin)
    response = client.get(f"/admin/cooperation/user/{official_bcn.pk}/change/")
    form = response.context["adminform"].form
    assert "groups" in form.fields  # roles stay theirs to give
    assert "is_superuser" not in form.fields  # shown read only
