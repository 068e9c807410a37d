"""Two people acting on the same brief at once: exactly one status change wins, the other is
refused with a code, and the images go onto the product once."""

import sys
from pathlib import Path

import pytest

from dianpu.core.errors import DomainError
from dianpu.design import services
from dianpu.design.models import Brief
from dianpu.design.tests.builders import image_bytes, make_brief, upload

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "concurrency"))
from racing import run_in_threads  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_operators_applying_the_same_brief_put_the_image_on_once(staff):
    operator, owner, designer = staff("operator"), staff("owner"), staff("designer")
    brief = make_brief(operator=operator, designer=designer)
    services.upload_draft(actor=designer, brief=brief, kind="main", upload=upload(image_bytes()))
    services.act_on_brief(actor=designer, brief=brief, action="submit")
    brief.refresh_from_db()
    services.act_on_brief(actor=operator, brief=brief, action="approve")
    actors = [operator, owner]

    def apply(i):
        return services.act_on_brief(actor=actors[i], brief=Brief.objects.get(pk=brief.pk), action="apply").status

    results = run_in_threads(2, apply)
    wins = [r for r in results if r == "applied"]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(wins) == 1 and len(refused) == 1, results
    assert refused[0].code == "action_not_allowed"
    assert brief.product.images.count() == 1
    assert Brief.objects.get(pk=brief.pk).status == "applied"
