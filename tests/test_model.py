"""The learned decision: training, determinism, stance, merged findings, train/evaluate CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from claimlint import Linter, Options
from claimlint.cli import main
from claimlint.extract import load_documents
from claimlint.model import DEFAULT_MODEL_DIR, INFORMS_BELOW, MODEL_FILE, ClaimModel

ROOT = Path(__file__).resolve().parents[1]
BLIND = ROOT / "tests" / "corpus-blind"
OWN = ROOT / "tests" / "corpus"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small model trained on the repository's own labelled corpus."""
    out = tmp_path_factory.mktemp("model")
    assert main(["train", str(OWN), str(BLIND), "-o", str(out)]) == 0
    return out


def test_training_writes_a_model_that_check_uses(trained: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    model = ClaimModel.load(trained)
    assert model.features and model.rules
    assert set(model.categories) >= {"efficacy-claim", "disease-claim", "testimonial"}
    page = tmp_path / "page.md"
    page.write_text("Our stem cell injections cure arthritis for good.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--model", str(trained), "--format", "json", str(page)]) == 1
    report = json.loads(capsys.readouterr().out)
    disease = [f for f in report["findings"] if f["category"] == "disease-claim"]
    assert len(disease) == 1 and 0 < disease[0]["confidence"] <= 1


def test_training_is_deterministic_for_a_seed(trained: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["train", str(OWN), str(BLIND), "-o", str(again)]) == 0
    with np.load(trained / MODEL_FILE) as a, np.load(again / MODEL_FILE) as b:
        assert sorted(a.files) == sorted(b.files)
        for name in a.files:
            assert np.array_equal(a[name], b[name]), name


def test_config_model_folder_is_relative_to_the_config(trained: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    model = site / "claims-model"
    model.mkdir()
    (model / MODEL_FILE).write_bytes((trained / MODEL_FILE).read_bytes())
    (site / ".claimlint.yaml").write_text("model: claims-model\n", encoding="utf-8")
    (site / "sub" / "page.md").write_text("Our cream cures eczema.\n", encoding="utf-8")
    monkeypatch.chdir(site / "sub")
    assert main(["config"]) == 0
    from claimlint.config import find_config, load_config

    assert load_config(find_config(site / "sub")).model == str(model)


def test_model_none_is_the_rules_alone(tmp_path: Path) -> None:
    text = "Within a month of treatment your thinning patches are full again."
    alone = Linter(Options(model="none")).lint_text(text)
    assert all(f.confidence is None for f in alone)
    assert not any(f.rule.endswith(".learned") for f in alone)


def test_a_folder_that_is_not_a_model_is_a_clear_error(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / MODEL_FILE).write_bytes(b"not a numpy archive")
    page = tmp_path / "p.md"
    page.write_text("Hello.\n", encoding="utf-8")
    assert main(["check", "--model", str(bad), str(page)]) == 2
    err = capsys.readouterr().err
    assert "not a claimlint model" in err and "Traceback" not in err


def test_one_finding_per_claim_and_category(linter: Linter) -> None:
    findings = linter.lint_text("Stem cell therapy cures arthritis.")
    sentence = [f for f in findings if not f.is_document_level]
    categories = [f.category for f in sentence]
    assert categories.count("disease-claim") == 1
    assert len(categories) == len(set(categories))
    [disease] = [f for f in sentence if f.category == "disease-claim"]
    assert disease.confidence is not None


def test_merged_rules_are_listed_and_keep_the_strongest_severity(linter: Linter) -> None:
    findings = linter.lint_text("Exosome injections regrow hair.")
    [efficacy] = [f for f in findings if f.category == "efficacy-claim"]
    assert efficacy.merged, "two efficacy rules flag this claim; one finding lists the other"
    assert efficacy.rule not in efficacy.merged


def test_json_report_carries_confidence_and_merged(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text("Exosome injections regrow hair.\n", encoding="utf-8")
    main(["check", "--format", "json", str(page)])
    findings = json.loads(capsys.readouterr().out)["findings"]
    sentence = [f for f in findings if f["scope"] != "document"]
    assert sentence and all(isinstance(f["confidence"], float) for f in sentence)
    assert all(isinstance(f["merged"], list) for f in findings)
    assert next(f for f in findings if f["scope"] == "document")["confidence"] is None


def _stance(path: Path) -> float:
    model = ClaimModel.load(DEFAULT_MODEL_DIR)
    [document] = load_documents(path, str(path))
    return model.promotional(document)


NOTICE = ROOT / "examples" / "neutral" / "consumer-notice-exosomes.md"


def test_page_stance_tells_an_advert_from_an_information_page() -> None:
    assert _stance(ROOT / "examples" / "site" / "offers.html") > 0.5
    assert _stance(ROOT / "examples" / "exosome-hair.md") > 0.5
    assert _stance(NOTICE) < INFORMS_BELOW


def test_a_regulator_notice_that_reports_claims_makes_none(linter: Linter) -> None:
    assert list(linter.lint_paths([NOTICE]).findings) == []


def test_evaluate_cross_validates_and_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(BLIND), "--folds", "3", "--group-by", "document"]) == 0
    out = capsys.readouterr().out
    assert "3-fold cross-validation grouped by document" in out
    assert "efficacy-claim" in out and "micro" in out


def test_evaluate_also_trains_on_pages_it_never_scores(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(OWN), "--folds", "2", "--group-by", "document",
                 "--also-train", str(BLIND), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["how"].endswith(f"(training also on {BLIND})")
    assert main(["evaluate", str(OWN), "--folds", "2", "--group-by", "document",
                 "--format", "json"]) == 0
    alone = json.loads(capsys.readouterr().out)
    # the same labels are scored: the extra corpus only trains
    assert (report["micro"]["tp"] + report["micro"]["fn"]
            == alone["micro"]["tp"] + alone["micro"]["fn"] > 0)
    assert main(["evaluate", str(OWN), "--also-train", str(BLIND)]) == 2
    assert "--also-train needs --folds" in capsys.readouterr().err


def test_evaluate_json_scores_the_rules_alone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(OWN), "--model", "none", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["how"] == "rules alone"
    assert 0 < report["micro"]["precision"] <= 1


def test_training_input_errors_name_the_line(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "docs").mkdir(parents=True)
    (corpus / "docs" / "a.txt").write_text("Hello.\n", encoding="utf-8")
    (corpus / "labels.jsonl").write_text('{"doc": "a.txt"}\n', encoding="utf-8")
    assert main(["train", str(corpus), "-o", str(tmp_path / "m")]) == 2
    assert "labels.jsonl:1:1" in capsys.readouterr().err
    assert main(["evaluate", str(tmp_path / "missing")]) == 2
    assert "not a labelled corpus" in capsys.readouterr().err


def test_the_wheel_ships_the_model(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("claimlint-*.whl")
    assert f"claimlint/models/default/{MODEL_FILE}" in zipfile.ZipFile(wheel).namelist()


def test_explain_says_a_learned_rule_is_found_by_the_model(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "disease-claim.learned"]) == 0
    assert "learned decision" in capsys.readouterr().out


def test_a_rule_the_model_never_saw_reports_every_match(tmp_path: Path) -> None:
    rules = tmp_path / "own.yaml"
    rules.write_text(
        "rules:\n"
        "  - id: hype.house-words\n    category: hype\n    severity: warning\n"
        "    message: \"'{match}' is on our banned list.\"\n    rationale: House style.\n"
        "    references:\n      - title: House style guide\n        url: https://example.org/style\n"
        "    match:\n      terms: [zesty]\n"
        "    examples:\n      flag: [\"A zesty peel.\"]\n      pass: [\"A peel.\"]\n",
        encoding="utf-8")
    found = Linter(Options(rule_paths=(rules,))).lint_text("The clinic opened a zesty new room.")
    [own] = [f for f in found if f.rule == "hype.house-words"]
    assert own.confidence is None


def _unsure_model(categories: tuple[str, ...], rules: frozenset[str],
                  keep: float = 0.0) -> ClaimModel:
    """A model that gives every sentence and category the same probability, 0.3."""
    n = len(categories)
    return ClaimModel(categories=categories, features={}, weights=np.zeros((0, n), np.float32),
                      bias=np.full(n, np.log(0.3 / 0.7)), keep=np.full(n, keep),
                      add=np.full(n, 2.0), rules=rules)


def _decide(tmp_path: Path, text: str, keep: float = 0.0) -> tuple[Any, Callable[[float], list[Any]]]:
    """Rule findings on ``text``, and the unsure model's decision at a given page stance."""
    linter = Linter(Options(model="none"))
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    [document] = load_documents(page, str(page))
    docs = list(linter.nlp.pipe([s.text for s in document.segments]))
    found = linter.engine.rule_findings(document, docs)
    assert found.findings
    model = _unsure_model(tuple(sorted({f.category for f in found.findings})),
                          frozenset(f.rule for f in found.findings), keep)
    decision = linter.engine.with_model(model).decision
    assert decision is not None
    return found, lambda stance: decision.apply(document, docs, found, stance)


CLAIMS = ("Our stem cell injections cure arthritis for good. Exosomes regrow hair in weeks. "
          "Our drips reverse ageing.\n")


def test_an_informing_page_keeps_only_findings_the_model_is_sure_of(tmp_path: Path) -> None:
    found, decide = _decide(tmp_path, CLAIMS)
    selling = decide(0.9)
    assert len(selling) == len(found.findings)
    assert all(f.confidence == 0.3 for f in selling)
    assert decide(INFORMS_BELOW / 2) == []


def test_a_snippet_too_short_to_judge_keeps_its_rule_findings(tmp_path: Path) -> None:
    _, decide = _decide(tmp_path, CLAIMS, keep=0.5)
    assert decide(0.9) == []  # a page: the unsure model drops what it doubts
    found, decide = _decide(tmp_path, "Exosome injections regrow hair.\n", keep=0.5)
    kept = decide(0.9)
    assert len(kept) == len(found.findings) and all(f.confidence == 0.3 for f in kept)


PROBABILITIES = """
import hashlib, sys
from pathlib import Path
from claimlint import Linter
from claimlint.extract import load_documents
from claimlint.features import sentence_units
linter = Linter()
engine = linter.engine
digest = hashlib.sha256()
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    for document in load_documents(path):
        docs = list(linter.nlp.pipe([s.text for s in document.segments]))
        found = engine.rule_findings(document, docs)
        units = sentence_units(document, docs, found, engine.lexicon, 0.7)
        if units.units:
            digest.update(engine.decision.model.probabilities(units).tobytes())
print(digest.hexdigest())
"""


def test_probabilities_do_not_depend_on_the_hash_seed() -> None:
    # The model sums a sentence's weights in its features' order: walking a set in hash
    # order made the last bit of a probability differ between processes.
    out = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", PROBABILITIES, str(ROOT / "examples")],
                             capture_output=True, text=True, env=env, check=True)
        out.add(run.stdout.strip())
    assert len(out) == 1
