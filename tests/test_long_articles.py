"""Long articles stay linear: the spaCy helpers that replace per-call walks of the whole Doc give
the same answers as spaCy, and a sentence without punctuation is cut at MAX_SENTENCE_TOKENS."""

from __future__ import annotations

from dashboard.longtext import long_article
from dashboard.nlp import MAX_SENTENCE_TOKENS, doc_ents, doc_text, sent_ents, token_at


def test_helpers_answer_as_spacy_does(nlp) -> None:
    doc = nlp(long_article(3000, seed=3) + "\n\nA  double  space,and(odd)punct... \n\n  x")
    assert doc_text(doc) == doc.text and doc_text(doc) is doc_text(doc)
    assert [e.start for e in doc_ents(doc)] == [e.start for e in doc.ents]
    for sent in doc.sents:
        assert [(e.start, e.end) for e in sent_ents(sent)] == [(e.start, e.end) for e in sent.ents]
        for offset in range(sent.start_char - 2, sent.end_char + 2):
            scan = next((x for x in sent if x.idx <= offset < x.idx + len(x.text) + 1), None)
            found = token_at(sent, offset)
            assert (scan.i if scan is not None else None) == (found.i if found is not None else None)


def test_a_sentence_without_stops_is_cut(nlp) -> None:
    doc = nlp("fighters moved toward the villages " * 200)
    assert max(len(s) for s in doc.sents) <= MAX_SENTENCE_TOKENS + 1
    normal = nlp(long_article(2000))
    assert max(len(s) for s in normal.sents) < MAX_SENTENCE_TOKENS


def test_long_article_is_generated_to_size() -> None:
    text = long_article(20_000, seed=1)
    assert 19_000 < len(text) <= 20_000 and text == long_article(20_000, seed=1)
    assert text.count("\n\n") > 10


def test_parsing_processes_die_with_their_parent(tmp_path) -> None:
    """kill -9 of an ingest must not leave its forked parsing processes running."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    code = (
        "import multiprocessing as mp, sys, time\n"
        "from dashboard.nlp import children_die_with_parent\n"
        "children_die_with_parent()\n"
        "p = mp.get_context('fork').Process(target=time.sleep, args=(600,)); p.start()\n"
        "print(p.pid, flush=True); time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    child = psutil.Process(int(parent.stdout.readline()))
    assert child.is_running()
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30
    while child.is_running() and child.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.05)  # waiting for the kernel to deliver the signal, not for time to pass
    survived = child.is_running() and child.status() != psutil.STATUS_ZOMBIE
    if survived:
        child.kill()  # do not leave it behind when the test fails
    assert not survived
