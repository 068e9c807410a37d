"""Images made with Pillow and briefs with sensible defaults."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from dianpu.catalog.tests.builders import make_product
from dianpu.design import services


def image_bytes(size=(800, 800), *, background=(255, 255, 255), product=(200, 40, 40), fmt="JPEG") -> bytes:
    """A product shot: a coloured block in the middle of a (by default white) background."""
    img = Image.new("RGB", size, background)
    w, h = size
    ImageDraw.Draw(img).rectangle([w // 4, h // 4, 3 * w // 4, 3 * h // 4], fill=product)
    out = io.BytesIO()
    img.save(out, fmt, quality=90)
    return out.getvalue()


def upload(data: bytes, name="draft.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_brief(*, operator, designer=None, product=None, kinds=("main",), title="新款主图"):
    product = product or make_product(name="纯棉T恤")
    return services.create_brief(
        actor=operator,
        product_id=product.pk,
        title=title,
        requirements=[{"kind": k} for k in kinds],
        copy_points="纯棉 透气\n不起球",
        reference_urls=["https://shop.example.com/item/1"],
        assignee_id=designer.pk if designer else None,
    )
