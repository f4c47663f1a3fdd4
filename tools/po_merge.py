"""Rebuild the catalogues after a git merge in which both sides translated: every message the code has, with the
translation of the first revision that has one (``python tools/po_merge.py MERGE_HEAD HEAD``).

A line-based merge of two .po files cannot tell that two translations of one message are alternatives; this keeps
one of them and says which messages both sides translated differently, to be read over.
"""

from __future__ import annotations

import subprocess
import sys

from messages import ROOT, catalogues, extract, parse_po, render


def main(revisions: list[str]) -> int:
    messages, _problems = extract()
    for po in catalogues():
        shown = po.relative_to(ROOT).as_posix()
        chosen: dict = {}
        for revision in revisions:
            text = subprocess.run(["git", "show", f"{revision}:{shown}"], capture_output=True, text=True, cwd=ROOT)
            if text.returncode:
                continue
            for entry in parse_po(text.stdout, f"{revision}:{shown}"):
                if not entry.msgid or not entry.translated:
                    continue
                if entry.msgid not in chosen:
                    chosen[entry.msgid] = entry
                elif chosen[entry.msgid].msgstr != entry.msgstr and entry.msgid in messages:
                    print(f"{shown}: both sides translated {entry.msgid!r}; kept {chosen[entry.msgid].msgstr}")
        po.write_text(render(messages, po.parent.parent.name, chosen), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
