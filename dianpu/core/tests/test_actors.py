from django.contrib.auth.models import AnonymousUser, User

from dianpu.core.actors import person_of


def test_the_person_behind_an_action_is_the_signed_in_user_only():
    staff = User(username="ops")
    assert person_of(staff) is staff
    assert person_of(AnonymousUser()) is None  # a visitor: nobody to name in created_by
    assert person_of(None) is None  # the system (a scheduled task, a webhook)
