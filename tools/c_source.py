"""C source read with tree-sitter's C grammar: its function definitions.

Used where a C function must be found by name (the prompt's source of a
function in focus, gcc's `optimize` attribute on a hot function): a real
parser rather than brace counting, so comments, strings, K&R definitions
and attributes before the return type are what the compiler sees.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from tree_sitter_language_pack import get_parser

# gcc's names for parts and clones of one C function (`mix.part.0`, `f.cold`).
CLONE = re.compile(r"\.(?:cold|part|constprop|isra|lto_priv)(?:\.\d+)*$")

_local = threading.local()


@dataclass(frozen=True)
class Definition:
    name: str
    start: int  # byte offsets of the whole definition, its specifiers included
    end: int


def parse(source: str):
    """The syntax tree of `source` (one parser per thread: they are not shared)."""
    if not hasattr(_local, "parser"):
        _local.parser = get_parser("c")
    return _local.parser.parse(source.encode())


def function_name(node) -> str:
    """The name a `function_definition` node defines ("" when it has none)."""
    declarator = node.child_by_field_name("declarator")
    while declarator is not None and declarator.type != "function_declarator":
        declarator = declarator.child_by_field_name("declarator")
    name = declarator.child_by_field_name("declarator") if declarator else None
    return name.text.decode() if name is not None and name.type == "identifier" else ""


@functools.lru_cache(maxsize=32)
def definitions(source: str) -> tuple[Definition, ...]:
    """The top-level function definitions of `source`, in order."""
    return tuple(
        Definition(function_name(node), node.start_byte, node.end_byte)
        for node in parse(source).root_node.children
        if node.type == "function_definition" and function_name(node)
    )


def function(source: str, name: str) -> str | None:
    """The definition of C function `name` (a clone's name means its function)."""
    name = CLONE.sub("", name)
    data = source.encode()
    for d in definitions(source):
        if d.name == name:
            return data[d.start : d.end].decode()
    return None


@functools.lru_cache(maxsize=32)
def void_functions(source: str) -> frozenset[str]:
    """Functions that `source` defines or declares as returning void (not `void *`)."""
    names = set()
    for node in parse(source).root_node.children:
        if node.type not in ("function_definition", "declaration"):
            continue
        kind = node.child_by_field_name("type")
        if kind is None or kind.text != b"void":
            continue
        for declarator in node.children_by_field_name("declarator"):
            name = declarator.child_by_field_name("declarator")
            if declarator.type == "function_declarator" and name.type == "identifier":
                names.add(name.text.decode())
    return frozenset(names)
