"""A brief in a browser, from the operator to the designer and back: the operator briefs the
designer; the designer's too-small draft is refused with its message, a good one is uploaded and
handed in; the operator approves and puts it on the product, where it becomes the main image."""

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.design.models import Brief
from dianpu.design.tests.builders import image_bytes

from .conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_brief_goes_from_operator_to_designer_and_back(chromium, live_server, tmp_path):
    operator = make_staff("operator")
    designer = make_staff("designer", username="meigong")
    product = make_product(name="纯棉T恤")
    small, good = tmp_path / "small.jpg", tmp_path / "main.jpg"
    small.write_bytes(image_bytes((500, 500)))
    good.write_bytes(image_bytes((800, 800)))
    base = live_server.url

    ops = chromium.new_context().new_page()
    console_login(ops, base, operator.username, then=f"/console/design/new/?product={product.pk}")
    ops.fill("input[name=title]", "双12主图")
    ops.fill("textarea[name=copy_points]", "纯棉 透气")
    ops.select_option("select[name=assignee_id]", str(designer.pk))
    ops.click("#create-brief")
    ops.wait_for_selector("#brief-status")
    brief = Brief.objects.get()
    assert "待设计" in ops.inner_text("#brief-status")

    desk = chromium.new_context().new_page()
    console_login(desk, base, designer.username, then="/console/design/")
    desk.click("text=双12主图")
    desk.set_input_files("#upload-draft input[type=file]", str(small))
    desk.click("#upload-draft button[type=submit]")
    desk.wait_for_selector("text=图片尺寸 500×500 太小，要求至少 800×800。")
    desk.set_input_files("#upload-draft input[type=file]", str(good))
    desk.click("#upload-draft button[type=submit]")
    desk.wait_for_selector("#drafts figure")
    desk.click("#action-submit")
    desk.wait_for_selector("text=待审核")

    ops.reload()
    ops.fill("#draft-actions textarea[name=body]", "可以")
    ops.click("#action-approve")
    ops.wait_for_selector("#action-apply")
    ops.click("#action-apply")
    ops.wait_for_selector("#product-images img")
    assert "已上图" in ops.inner_text("#brief-status")
    brief.refresh_from_db()
    draft = brief.drafts.get(status="approved")
    assert product.images.first().pk == draft.product_image_id
