"""The demo phase for the designer's desk and the team's daily work, run on a small shop."""

import random

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.design import queries as design_queries
from dianpu.design.models import Brief, Experiment
from dianpu.system.demo.generator import ensure_staff
from dianpu.system.demo.teamwork import Teamwork
from dianpu.teamwork.models import ReadConfirmation, Routine, Task, TrainingDoc

pytestmark = pytest.mark.django_db


def test_demo_makes_briefs_a_winning_image_test_and_a_week_of_routines():
    staff = ensure_staff()
    for n in range(4):
        make_product(name=f"演示商品{n}")
    counts = Teamwork(
        random.Random("t"), as_of=clock.now().replace(minute=0, second=0, microsecond=0), staff=staff
    ).run()
    assert counts["design briefs"] == 3 and counts["image test impressions"] == 3000
    assert sorted(Brief.objects.values_list("status", flat=True)) == ["applied", "in_review", "open"]
    applied = Brief.objects.get(status="applied")
    assert applied.product.images.first().pk == applied.drafts.get(status="approved").product_image_id
    experiment = Experiment.objects.get()
    figures = design_queries.experiment_figures(experiment)
    assert sum(row["figures"].impressions for row in figures["arms"]) == 3000
    assert figures["verdict"].reason == "significant" and figures["verdict"].winner == 1
    assert Routine.objects.values("day").distinct().count() == 7
    assert Routine.objects.filter(user__username="designer").count() == 7
    assert Task.objects.count() == 6 and Task.objects.filter(status="done").count() == 2
    assert TrainingDoc.objects.count() == 2 and ReadConfirmation.objects.count() == 2
