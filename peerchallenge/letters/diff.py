"""The difference between two versions of a letter, line by line, with unchanged runs folded."""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "folded"
    text: str
    folded: int = 0  # how many unchanged lines a "folded" row stands for


def line_diff(old: str, new: str, context: int = 2) -> list[DiffLine]:
    """Lines removed from `old` and added in `new`, with `context` unchanged lines around each change."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old_lines[i1:i2]
            keep_before = context if index > 0 else 0
            keep_after = context if index < len(opcodes) - 1 else 0
            if len(same) > keep_before + keep_after + 1:
                rows += [DiffLine("same", line) for line in same[:keep_before]]
                rows.append(DiffLine("folded", "", len(same) - keep_before - keep_after))
                rows += [DiffLine("same", line) for line in same[len(same) - keep_after :]]
            else:
                rows += [DiffLine("same", line) for line in same]
            continue
        rows += [DiffLine("removed", line) for line in old_lines[i1:i2]]
        rows += [DiffLine("added", line) for line in new_lines[j1:j2]]
    return rows
