"""Demo design briefs, a main-image A/B test with traffic, and a week of the team's daily work,
made through the design and teamwork services (images drawn with Pillow):

- three briefs to the designer: one waiting for the designer, one handed in with two drafts, one
  approved and put on its product;
- a main-image test on a best seller with two images and a week of product-card impressions and
  clicks (one image clicked noticeably more), so the test page suggests a winner;
- the last seven days of checklists for every staff member, most ticked on time, a few late or
  left open; tasks open, done and overdue; two training documents with read confirmations."""

import io
import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from dianpu.analytics.models import TrackingEvent
from dianpu.analytics.services import fold_tracking_events
from dianpu.catalog.models import Product
from dianpu.catalog.services import add_product_image
from dianpu.core import clock
from dianpu.design import services as design
from dianpu.design.domain.abtest import assign_arm
from dianpu.design.models import Experiment
from dianpu.teamwork import services as teamwork
from dianpu.teamwork.models import Routine, RoutineItem

COLOURS = ((200, 40, 40), (40, 120, 200), (40, 160, 90), (220, 150, 30))
TASKS = (
    ("准备双 12 活动报名", "operator", 3, False),
    ("补拍新品细节图", "designer", 2, False),
    ("整理上周客服常见问题", "agent", -2, True),
    ("核对月底库存", "warehouse", 5, False),
    ("复盘 618 活动数据", "marketing", -5, False),
    ("核对上月对账单", "finance", -1, True),
)
TRAINING = (
    (
        "客服接待规范",
        "<p>30 秒内首次回复；先确认订单号，再回答问题。</p><ul><li>不承诺发货时间以外的日期</li>"
        "<li>售后问题转入售后流程</li></ul>",
        ["agent"],
    ),
    (
        "主图与详情页要求",
        "<p>主图 800×800 白底，商品占画面 70% 左右；详情图宽 750 像素。</p>"
        "<p>文案不得使用「最」「第一」等极限用语。</p>",
        ["designer", "operator"],
    ),
)


def _image(size, colour, background=(255, 255, 255)) -> bytes:
    img = Image.new("RGB", size, background)
    w, h = size
    ImageDraw.Draw(img).rounded_rectangle([w // 5, h // 5, 4 * w // 5, 4 * h // 5], radius=w // 12, fill=colour)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


class Teamwork:
    def __init__(self, rng: random.Random, *, as_of: datetime, staff: dict[str, int]):
        self.rng, self.as_of = rng, as_of
        users = get_user_model().objects.in_bulk(list(staff.values()))
        self.staff = {role: users[pk] for role, pk in staff.items()}

    def run(self) -> dict[str, int]:
        top = list(Product.objects.listed().order_by("-sold_count", "id")[:4])
        counts = {"design briefs": self._briefs(top[:3]) if len(top) >= 3 else 0}
        counts["image test impressions"] = self._experiment(top[3]) if len(top) >= 4 else 0
        counts.update(self._daily_work())
        return counts

    def _at(self, moment: datetime):
        clock.freeze(moment)

    def _briefs(self, products) -> int:
        operator, designer = self.staff["operator"], self.staff["designer"]
        try:
            self._at(self.as_of - timedelta(days=4))
            waiting = design.create_brief(
                actor=operator,
                product_id=products[0].pk,
                title=f"{products[0].name} 双 12 主图",
                requirements=[{"kind": "main", "count": 2}, {"kind": "banner"}],
                reference_urls=["https://shop.example.com/youpin/item/1001"],
                copy_points="满 199 减 20\n包邮",
                due_on=(self.as_of + timedelta(days=3)).date(),
                assignee_id=designer.pk,
            )
            review = design.create_brief(
                actor=operator,
                product_id=products[1].pk,
                title=f"{products[1].name} 主图换新",
                requirements=[{"kind": "main"}],
                copy_points="突出材质",
                due_on=(self.as_of + timedelta(days=1)).date(),
                assignee_id=designer.pk,
            )
            done = design.create_brief(
                actor=operator,
                product_id=products[2].pk,
                title=f"{products[2].name} 详情页首图",
                requirements=[{"kind": "main"}],
                due_on=(self.as_of - timedelta(days=1)).date(),
                assignee_id=designer.pk,
            )
            self._at(self.as_of - timedelta(days=2))
            for n in range(2):
                design.upload_draft(
                    actor=designer,
                    brief=review,
                    kind="main",
                    upload=SimpleUploadedFile(f"draft{n}.jpg", _image((800, 800), COLOURS[n])),
                )
            design.act_on_brief(actor=designer, brief=review, action="submit", comment="两个配色，请选")
            design.upload_draft(
                actor=designer,
                brief=done,
                kind="main",
                upload=SimpleUploadedFile("main.jpg", _image((1000, 1000), COLOURS[2])),
            )
            design.act_on_brief(actor=designer, brief=done, action="submit")
            self._at(self.as_of - timedelta(days=1))
            done.refresh_from_db()
            design.act_on_brief(actor=operator, brief=done, action="approve", comment="很好")
            done.refresh_from_db()
            design.act_on_brief(actor=operator, brief=done, action="apply")
            design.comment_on_brief(actor=operator, brief=waiting, body="参考同行的白底图，商品居中")
        finally:
            clock.freeze(None)
        return 3

    def _experiment(self, product) -> int:
        operator = self.staff["operator"]
        started = self.as_of - timedelta(days=7)
        try:
            self._at(started)
            images = list(product.images.all()[:2])
            while len(images) < 2:
                images.append(
                    add_product_image(
                        actor=operator,
                        product=product,
                        filename=f"ab{len(images)}.jpg",
                        data=_image((800, 800), COLOURS[len(images) + 1]),
                        alt_text=f"{product.name} {product.name_en}".strip(),
                    )
                )
            experiment = design.start_experiment(
                actor=operator, product_id=product.pk, image_ids=[i.pk for i in images]
            )
        finally:
            clock.freeze(None)
        every = (25, 15)  # one click in 25 impressions (4 %) against one in 15 (6.7 %): the second image wins
        shown = [0, 0]
        rows = []
        for n in range(3000):
            visitor = f"demoab{n:018d}"
            arm = assign_arm(experiment.pk, visitor, 2)
            shown[arm] += 1
            at = started + timedelta(minutes=self.rng.randint(1, 7 * 24 * 60 - 60))
            base = dict(
                day=timezone.localdate(at),
                occurred_at=at,
                visitor_id=visitor,
                session_id=f"s{visitor}",
                path="/",
                product_id=product.pk,
                channel="direct",
                source="(direct)",
                device="mobile",
            )
            rows.append(TrackingEvent(kind="list_impression", **base))
            if shown[arm] % every[arm] == 0:
                rows.append(TrackingEvent(kind="list_click", **{**base, "occurred_at": at + timedelta(seconds=5)}))
        TrackingEvent.objects.bulk_create(rows, batch_size=2000)
        fold_tracking_events(lag_seconds=0)  # into the rollups, as the worker would: raw and rollups agree
        Experiment.objects.filter(pk=experiment.pk).update(started_at=started)
        return 3000

    def _daily_work(self) -> dict[str, int]:
        teamwork.ensure_default_templates()
        routines = 0
        try:
            for back in range(6, -1, -1):
                day = (self.as_of - timedelta(days=back)).date()
                self._at(min(self.as_of, datetime.combine(day, time(7), tzinfo=self.as_of.tzinfo)))
                routines += teamwork.generate_routines(day)
                for routine in Routine.objects.filter(day=day).select_related("user"):
                    for item in routine.items.all():
                        roll = self.rng.random()
                        if back == 0 and roll < 0.5:
                            continue  # today: half still to do
                        if roll < 0.05:
                            continue  # forgotten
                        late = roll > 0.93
                        minutes = self.rng.randint(60, 600) + (24 * 60 if late else 0)
                        moment = datetime.combine(day, time(0), tzinfo=self.as_of.tzinfo) + timedelta(
                            hours=8, minutes=minutes
                        )
                        if moment > self.as_of:
                            continue
                        RoutineItem.objects.filter(pk=item.pk).update(
                            done_at=moment, done_by=routine.user, note="已完成" if self.rng.random() < 0.2 else ""
                        )
            self._at(self.as_of - timedelta(days=6))
            owner = self.staff["owner"]
            tasks = 0
            for title, role, due_in, closed in TASKS:
                task = teamwork.create_task(
                    actor=owner,
                    title=title,
                    owner_id=self.staff[role].pk,
                    due_on=(self.as_of + timedelta(days=due_in)).date(),
                )
                tasks += 1
                if closed:
                    teamwork.close_task(actor=self.staff[role], task_id=task.pk)
            docs = 0
            for title, body, audience in TRAINING:
                doc = teamwork.save_training_doc(actor=owner, title=title, body=body, audience=audience)
                teamwork.confirm_read(actor=self.staff[audience[0]], doc=doc)
                docs += 1
        finally:
            clock.freeze(None)
        return {"routines": routines, "team tasks": tasks, "training documents": docs}
