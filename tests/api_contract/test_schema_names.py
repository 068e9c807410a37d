"""Every shape the API documents has one name: django-ninja files request and response schemas in
the OpenAPI document under their class name, so two different classes with the same name make the
document describe one operation's body with another's (found by the fuzz: the payments refund
was documented with the returns refund's fields)."""

import importlib
import inspect
from collections import defaultdict
from pathlib import Path

from ninja import Schema

import dianpu

APP_ROOT = Path(dianpu.__file__).parent


def test_schema_classes_with_the_same_name_have_the_same_shape():
    shapes = defaultdict(dict)
    for path in sorted([*APP_ROOT.glob("*/api.py"), *APP_ROOT.glob("*/schemas.py"), APP_ROOT / "api.py"]):
        module = importlib.import_module(".".join(path.relative_to(APP_ROOT.parent).with_suffix("").parts))
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls is not Schema and cls.__module__ == module.__name__:
                shapes[name][cls.__module__] = cls.model_json_schema()
    clashes = {
        name: sorted(by_module)
        for name, by_module in shapes.items()
        if len({repr(sorted(s.items())) for s in by_module.values()}) > 1
    }
    assert not clashes, f"rename one of each: {clashes}"
