# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cycle detection in a multi-level bill of materials (pure python).

The graph is a mapping ``parent -> iterable of components``; keys are any
hashable (part numbers, product ids). The walk is iterative so a deep BOM
(thousands of levels) does not hit Python's recursion limit.
"""

_WHITE, _GREY, _BLACK = 0, 1, 2


def find_cycle(graph):
    """Return the first cycle found as a list of nodes ``[a, b, ..., a]``, or
    ``None`` when the graph is acyclic. Nodes are visited in a stable order
    (sorted by ``str``) so the same graph always reports the same cycle."""
    colour = {}
    for root in sorted(graph, key=str):
        if colour.get(root, _WHITE) != _WHITE:
            continue
        colour[root] = _GREY
        path = [root]
        stack = [iter(sorted(set(graph.get(root, ())), key=str))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                colour[path.pop()] = _BLACK
                continue
            state = colour.get(child, _WHITE)
            if state == _GREY:
                return [*path[path.index(child) :], child]
            if state == _WHITE:
                colour[child] = _GREY
                path.append(child)
                stack.append(iter(sorted(set(graph.get(child, ())), key=str)))
    return None


def levels(graph, root):
    """Depth of every node reachable from ``root`` (root = 0), assuming the
    graph is acyclic; used for reports and for applying deepest BOMs first."""
    depth = {root: 0}
    frontier = [root]
    while frontier:
        nxt = []
        for node in frontier:
            for child in graph.get(node, ()):
                if depth.get(child, -1) < depth[node] + 1:
                    depth[child] = depth[node] + 1
                    nxt.append(child)
        frontier = nxt
    return depth
