"""A tree of the standard: component, then module or task, then criterion."""

from __future__ import annotations

from textual.widgets import Tree

from discussion.standard import Component, Criterion, Standard


class StandardTree(Tree[Criterion | Component]):
    """Browse the three components of the EPA and their grade criteria."""

    DEFAULT_CSS = """
    StandardTree { width: 36; border-right: solid $primary-background; }
    """

    def __init__(self, standard: Standard, *, id: str | None = None) -> None:
        super().__init__("Standard", id=id)
        self.standard = standard
        self.show_root = False
        self.guide_depth = 2

    def on_mount(self) -> None:
        """Fill the tree: components open, the discussion first since it is this app's centre."""
        ordered = sorted(self.standard.components, key=lambda c: c.id != "discussion")
        for component in ordered:
            passes = len(component.pass_criteria())
            distinctions = len(component.distinction_criteria())
            label = f"{component.name} ({passes}P {distinctions}D)"
            node = self.root.add(label, data=component, expand=component.id == "discussion")
            groups: dict[str, list[Criterion]] = {}
            for criterion in component.criteria:
                groups.setdefault(criterion.group or component.name, []).append(criterion)
            for group, criteria in groups.items():
                group_node = node.add(group, data=component, expand=True)
                for criterion in criteria:
                    marker = "D" if criterion.level == "distinction" else "P"
                    group_node.add_leaf(
                        f"{criterion.id} {marker}  {_short(criterion.text)}", data=criterion
                    )
        self.cursor_line = 0


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
