"""A brief from the operator to the designer and back; drafts checked on upload; images onto the product."""

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.design import queries, services
from dianpu.design.models import Brief, Comment, Draft
from dianpu.design.tests.builders import image_bytes, make_brief, upload

pytestmark = pytest.mark.django_db


def test_brief_goes_to_the_designer_and_the_approved_image_becomes_the_main_image(staff):
    operator, designer = staff("operator"), staff("designer")
    product = make_product(name="纯棉T恤")
    services_image = image_bytes((640, 640))
    from dianpu.catalog.services import add_product_image

    old_main = add_product_image(actor=operator, product=product, filename="old.jpg", data=services_image)
    brief = make_brief(operator=operator, designer=designer, product=product)
    assert brief.status == "open" and brief.requirements[0] == {
        "kind": "main",
        "width": 800,
        "height": 800,
        "count": 1,
        "white_background": True,
        "max_kb": 3072,
    }

    draft = services.upload_draft(actor=designer, brief=brief, kind="main", upload=upload(image_bytes((1000, 1000))))
    assert (draft.width, draft.height, draft.status) == (1000, 1000, "submitted")
    services.act_on_brief(actor=designer, brief=brief, action="submit", comment="请看")
    brief.refresh_from_db()
    services.act_on_brief(actor=operator, brief=brief, action="approve")
    brief.refresh_from_db()
    assert brief.status == "approved"
    services.act_on_brief(actor=operator, brief=brief, action="apply")

    brief.refresh_from_db()
    draft.refresh_from_db()
    assert brief.status == "applied"
    images = list(product.images.all())
    assert [i.pk for i in images] == [draft.product_image_id, old_main.pk]  # the new one is the main image
    assert AuditEntry.objects.filter(action="design.brief_apply").count() == 1
    assert AuditEntry.objects.filter(action="product.image_added").count() == 2


def test_operator_asks_again_with_a_comment_and_the_designer_resubmits(staff):
    operator, designer = staff("operator"), staff("designer")
    brief = make_brief(operator=operator, designer=designer)
    services.upload_draft(actor=designer, brief=brief, kind="main", upload=upload(image_bytes()))
    services.act_on_brief(actor=designer, brief=brief, action="submit")
    brief.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.act_on_brief(actor=operator, brief=brief, action="request_changes")
    assert refused.value.code == "comment_required"
    brief.refresh_from_db()
    assert brief.status == "in_review"  # nothing changed
    services.act_on_brief(actor=operator, brief=brief, action="request_changes", comment="产品再放大一些")
    brief.refresh_from_db()
    assert brief.status == "changes_requested"
    assert list(brief.drafts.values_list("status", flat=True)) == ["rejected"]
    assert Comment.objects.get(brief=brief).body == "产品再放大一些"
    services.upload_draft(actor=designer, brief=brief, kind="main", upload=upload(image_bytes((900, 900))))
    services.act_on_brief(actor=designer, brief=brief, action="submit")
    brief.refresh_from_db()
    assert brief.status == "in_review"


@pytest.mark.parametrize(
    "data,code",
    [
        (image_bytes((600, 600)), "image_too_small"),
        (image_bytes((1000, 800)), "image_ratio"),
        (image_bytes((800, 800), background=(90, 90, 90)), "image_not_white"),
        (b"%PDF-1.4 not an image at all", "image_unreadable"),
        (image_bytes((800, 800), fmt="GIF"), "image_format"),
    ],
)
def test_a_draft_that_fails_its_check_is_refused_with_a_clear_message_and_nothing_stored(staff, data, code):
    operator, designer = staff("operator"), staff("designer")
    brief = make_brief(operator=operator, designer=designer)
    with pytest.raises(DomainError) as refused:
        services.upload_draft(actor=designer, brief=brief, kind="main", upload=upload(data))
    assert refused.value.code == code
    assert Draft.objects.count() == 0


def test_the_messages_name_the_numbers(staff):
    operator, designer = staff("operator"), staff("designer")
    brief = make_brief(operator=operator, designer=designer)
    with pytest.raises(DomainError) as refused:
        services.upload_draft(actor=designer, brief=brief, kind="main", upload=upload(image_bytes((600, 600))))
    assert refused.value.detail == "图片尺寸 600×600 太小，要求至少 800×800。"
    with pytest.raises(DomainError) as grey:
        services.upload_draft(
            actor=designer, brief=brief, kind="main", upload=upload(image_bytes(background=(90, 90, 90)))
        )
    assert grey.value.detail == "主图要求白底：边缘只有 0% 是白色（至少 97%）。"


def test_an_oversized_file_is_refused_before_it_is_read(staff):
    operator, designer = staff("operator"), staff("designer")
    brief = make_brief(operator=operator, designer=designer)

    class Huge:
        name, size = "huge.jpg", 50 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read before the size check")

    with pytest.raises(DomainError) as refused:
        services.upload_draft(actor=designer, brief=brief, kind="main", upload=Huge())
    assert refused.value.code == "upload_too_large"


def test_a_designer_sees_only_their_briefs_and_cannot_approve(staff):
    operator, designer = staff("operator"), staff("designer")
    from dianpu.accounts.tests.builders import make_staff

    other = make_staff("designer", username="designer2")
    mine = make_brief(operator=operator, designer=designer, title="我的")
    make_brief(operator=operator, designer=other, title="别人的")
    assert [b.title for b in queries.list_briefs(designer)] == ["我的"]
    assert len(queries.list_briefs(operator)) == 2
    with pytest.raises(DomainError):
        queries.get_brief(other, mine.pk)
    services.upload_draft(actor=designer, brief=mine, kind="main", upload=upload(image_bytes()))
    services.act_on_brief(actor=designer, brief=mine, action="submit")
    mine.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.act_on_brief(actor=designer, brief=mine, action="approve")
    assert refused.value.status == 403
    mine.refresh_from_db()
    assert mine.status == "in_review"
    with pytest.raises(DomainError):
        services.upload_draft(actor=other, brief=mine, kind="main", upload=upload(image_bytes()))


def test_brief_input_is_checked(staff):
    operator = staff("operator")
    product = make_product()
    cases = [
        (dict(title="", requirements=[{"kind": "main"}]), "title_required"),
        (dict(title="x", requirements=[]), "requirements_required"),
        (dict(title="x", requirements=[{"kind": "poster"}]), "requirement_invalid"),
        (dict(title="x", requirements=[{"kind": "main", "width": 20}]), "requirement_invalid"),
        (dict(title="x", requirements=[{"kind": "main"}], reference_urls=["javascript:alert(1)"]), "url_invalid"),
        (dict(title="x", requirements=[{"kind": "main"}], assignee_id=operator.pk), "assignee_not_designer"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as refused:
            services.create_brief(actor=operator, product_id=product.pk, **kwargs)
        assert refused.value.code == code
    assert Brief.objects.count() == 0


def test_reference_images_are_stored_with_the_brief(staff):
    operator = staff("operator")
    product = make_product()
    brief = services.create_brief(
        actor=operator,
        product_id=product.pk,
        title="参考",
        requirements=[{"kind": "main"}],
        reference_files=[upload(image_bytes((300, 300)), name="ref.jpg")],
    )
    assert brief.references.count() == 1
    with pytest.raises(DomainError) as refused:
        services.create_brief(
            actor=operator,
            product_id=product.pk,
            title="坏参考",
            requirements=[{"kind": "main"}],
            reference_files=[upload(b"nope", name="ref.jpg")],
        )
    assert refused.value.code == "image_unreadable"
    assert Brief.objects.count() == 1
