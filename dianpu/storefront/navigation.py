"""The category tree every page shows, cached briefly, and breadcrumbs read from it."""

from dataclasses import dataclass

from django.core.cache import cache

from dianpu.catalog.models import Category
from dianpu.catalog.queries import CategoryNode, list_category_tree

CACHE_KEY = "storefront:category-tree:v1"
CACHE_SECONDS = 60


@dataclass
class CategoryTree:
    roots: list[CategoryNode]
    nodes: dict[int, CategoryNode]

    def path_to(self, category_id: int | None) -> list[Category]:
        """Root first, ending at the category; empty for an unknown id."""
        path, seen = [], set()
        node = self.nodes.get(category_id)
        while node is not None and node.category.id not in seen:
            seen.add(node.category.id)
            path.insert(0, node.category)
            node = self.nodes.get(node.category.parent_id)
        return path

    def find(self, slug: str) -> CategoryNode | None:
        return next((n for n in self.nodes.values() if n.category.slug == slug), None)

    def all_categories(self) -> list[Category]:
        return [n.category for n in self.nodes.values()]


def get_category_tree() -> CategoryTree:
    tree = cache.get(CACHE_KEY)
    if tree is None:
        roots = list_category_tree()
        nodes: dict[int, CategoryNode] = {}
        stack = list(roots)
        while stack:
            node = stack.pop()
            nodes[node.category.id] = node
            stack.extend(node.children)
        tree = CategoryTree(roots=roots, nodes=nodes)
        cache.set(CACHE_KEY, tree, CACHE_SECONDS)
    return tree
