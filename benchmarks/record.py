"""Results into docs/benchmarks.md: each benchmark's rows go at the end of its own table.

Appending to the end of the file put one benchmark's rows under another's heading; this
finds the section by its heading instead, and makes it (intro and table header) the first
time.
"""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def add_rows(section: str, intro: str, header: str, rows: list[str], doc: Path = DOC) -> None:
    """Add table ``rows`` to ``## section`` of ``doc``.

    >>> import tempfile
    >>> doc = Path(tempfile.mkdtemp()) / "b.md"
    >>> _ = doc.write_text("# B\\n\\n## A\\n\\n| x |\\n|---|\\n| 1 |\\n\\n## C\\n\\ntext\\n")
    >>> add_rows("A", "", "| x |\\n|---|", ["| 2 |"], doc)
    >>> add_rows("D", "New.", "| y |\\n|---|", ["| 3 |"], doc)
    >>> print(doc.read_text())
    # B
    <BLANKLINE>
    ## A
    <BLANKLINE>
    | x |
    |---|
    | 1 |
    | 2 |
    <BLANKLINE>
    ## C
    <BLANKLINE>
    text
    <BLANKLINE>
    ## D
    <BLANKLINE>
    New.
    <BLANKLINE>
    | y |
    |---|
    | 3 |
    <BLANKLINE>
    """
    lines = doc.read_text(encoding="utf-8").rstrip("\n").split("\n") if doc.exists() else []
    heading = f"## {section}"
    if heading not in lines:
        block = ["", heading, ""] + ([intro, ""] if intro else []) + header.split("\n") + rows
        doc.write_text("\n".join(lines + block) + "\n", encoding="utf-8")
        return
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    table = [i for i in range(start, end) if lines[i].startswith("|")]
    if table:
        at = table[-1] + 1
        lines[at:at] = rows
    else:
        while end > start and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = ["", *header.split("\n"), *rows]
    doc.write_text("\n".join(lines) + "\n", encoding="utf-8")
