"""What the embedder reads for a clause, and the key its vector is reused by.

``passage_text`` is the document's short title and the clause's path (its last two
headings), then its title and text, cut at ``PASSAGE_CHARS``. The document title came in
with ``PASSAGE_VERSION`` 2: dev cross-validation +0.008 nDCG@10 over the path alone
(``eval/ABLATION.md``). Vectors are reused across builds by ``passage_hash`` — the hash of
the text itself — so a clause repeated word for word in two notices, or a change of what
the embedder reads, never reuses a vector made for another text.
"""

from __future__ import annotations

import hashlib
import re

from zhengce.index.model import Clause

PASSAGE_CHARS = 480
PASSAGE_VERSION = 2


def doc_title(clause: Clause) -> str:
    """The notice's short title: the inner 《》 title of a forwarding notice, else its title or id."""
    title = (clause.doc.title if clause.doc else None) or clause.doc_id
    m = re.search(r"《([^》]+)》", title) or re.search(r"印发(“[^”]+”.+?)的通知", title)
    return m.group(1) if m else title


def passage_text(clause: Clause) -> str:
    """What the embedder reads for a clause: the document title and path, then its text."""
    context = " > ".join([doc_title(clause), *clause.path[-2:]])
    return f"{context}\n{clause.titled_text[:PASSAGE_CHARS]}"


def passage_hash(clause: Clause) -> str:
    return hashlib.sha256(passage_text(clause).encode("utf-8")).hexdigest()[:32]
