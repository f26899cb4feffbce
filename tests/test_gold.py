"""Every field of every gold record (../shared/gold/seeds.jsonl) against `kb build` on corpus/."""
import json

import pytest

from kb.evaluate import compare, evaluate, load_gold, match_record
from kb.status import repeal_index

from conftest import GOLD, NOISE

GOLD_ROWS = load_gold(GOLD)


def test_gold_has_13_documents():
    assert len(GOLD_ROWS) == 13


def test_sample_corpus_builds_13_documents(built):
    index, report = built
    assert report.files == 5
    assert report.documents == 13
    assert report.failed == []


@pytest.mark.parametrize("row", range(len(GOLD_ROWS)),
                         ids=[f"{g['source'][:3]}:{(g.get('title') or 'untitled')[:14]}" for g in GOLD_ROWS])
def test_gold_record(records, row):
    gold = GOLD_ROWS[row]
    rec = match_record(gold, records)
    assert rec is not None, f"no record for {gold['source']} {gold.get('title')}"
    failures = [f"{field}: expected {want!r}, got {got!r} {detail}"
                for field, ok, want, got, detail in compare(gold, rec, repeal_index(records)) if not ok]
    assert not failures, "\n".join(failures)


def test_evaluation_is_perfect_on_the_sample(records):
    summary = evaluate(GOLD_ROWS, records).summary()
    assert summary["unmatched_gold_rows"] == 0
    assert summary["accuracy"] == 1.0, summary["failures"]


def test_no_noise_in_any_record(records):
    noise = json.loads(NOISE.read_text(encoding="utf-8"))["must_not_appear_in_any_record_text"]
    for rec in records:
        dumped = json.dumps(rec.to_dict(), ensure_ascii=False)
        for s in noise:
            assert s not in dumped, f"{s!r} survives in {rec.id}"


def test_every_extracted_field_has_evidence(records):
    for rec in records:
        for field in ("title", "doc_number", "date", "published", "recipients", "effective_from",
                      "effective_until", "repeals", "cites"):
            if getattr(rec, field):
                assert rec.evidence.get(field), f"{rec.id}: {field} has no evidence"
        if rec.issuers:
            assert rec.evidence.get("issuers")


def test_evaluator_catches_a_wrong_field(records):
    gold = dict(GOLD_ROWS[1], doc_number="鄂府发〔2018〕91号")
    rec = match_record(gold, records)
    bad = [f for f, ok, *_ in compare(gold, rec) if not ok]
    assert bad == ["doc_number"]
