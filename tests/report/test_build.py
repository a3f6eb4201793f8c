"""The whole summary from the known database: every number in the HTML, the PDF's text, the charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from bot import audit
from bot.council_policy import neutral_policy
from bot.report import SummaryResult, build_summary
from bot.storage import models as m
from bot.storage.db import make_engine, make_session_factory, migrate, transaction
from tests.report.conftest import DM_TEXT, FLAGGED_TEXTS, OFFENDERS, ReportEnv, seed_october, seed_september
from tests.report.seed import Seeder
from tests.report.tables import tables_of
from tests.support import make_settings


@pytest.fixture(scope="module")
def october(tmp_path_factory: pytest.TempPathFactory) -> SummaryResult:
    """Built once on SQLite: rendering does not depend on the database (figures are tested on both)."""
    root = tmp_path_factory.mktemp("october")
    url = f"sqlite:///{root / 'modbot.db'}"
    migrate(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with transaction(sessions) as s:
        sd = Seeder(s)
        seed_september(sd)
        seed_october(sd)
        audit.record(s, "clerk", "evidence.hold_set", "item", 1, {"reason": "police ref 1/23"})  # a non-empty record
    try:
        return build_summary(make_settings(root / "data", url), sessions, "2026-10", root / "out")
    finally:
        engine.dispose()


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())


def test_every_number_in_the_html(october: SummaryResult) -> None:
    tables, boxes = tables_of(october.html_path.read_text(encoding="utf-8"))
    assert boxes == ["20 posts and messages received", "5 flagged by the rules for the clerk",
                     "3 / 1 breaches upheld / no breach", "2 direct messages answered automatically",
                     "3 h median time to the clerk's decision", "1 police referrals"]
    assert tables["comparison"][1:] == [
        ["Posts and messages received", "20", "5", "+15 (+300%)"], ["Flagged for the clerk", "5", "1", "+4 (+400%)"],
        ["Findings (rule verdicts)", "6", "1", "+5 (+500%)"], ["Breaches upheld by the clerk", "3", "1", "+2 (+200%)"],
        ["No breach, as the clerk decided", "1", "0", "+1"], ["Direct messages answered automatically", "2", "0", "+2"],
        ["Repeat offenders", "1", "0", "+1"], ["Police referrals", "1", "0", "+1"],
        ["Median time to decision", "3 h", "6 h", "3 h quicker"]]
    assert tables["items"] == [["Platform", "Replies", "Mentions", "Quotes", "Direct messages", "Total"],
                               ["Bluesky", "4", "1", "1", "1", "7"], ["Mastodon", "8", "2", "1", "2", "13"],
                               ["All platforms", "12", "3", "2", "3", "20"]]
    assert tables["dms"] == [["Answered automatically", "2"],
                             ["Not answered (already answered recently, a bot, or the council)", "1"]]
    findings = [[row[0], *row[2:]] for row in tables["findings"][1:]]  # column 1: the council's policy
    assert findings == [["Harassment or abuse", "0", "2", "0", "2"], ["Hate", "0", "0", "1", "1"],
                        ["Off topic", "1", "0", "0", "1"], ["Spam or advertising", "1", "0", "0", "1"],
                        ["Threats", "0", "0", "1", "1"], ["All grounds", "2", "2", "2", "6"]]
    neutral = neutral_policy()  # the settings name no policy: plain descriptions, no clause numbers
    assert [row[1] for row in tables["findings"][1:-1]] == [
        neutral.description(g) for g in ("harassment", "hate", "off_topic", "spam", "threat")]
    assert [row[-1] for row in tables["decision-facts"]] == ["3 h", "10 h", "1", "0", "1", "2"]
    assert tables["actions"][1:] == [["Block account", "1", "0", "1"], ["Hide reply", "2", "0", "0"],
                                     ["Mute account", "1", "0", "0"], ["Report to the platform", "0", "1", "0"]]
    assert tables["rules"][1:] == [
        ["Insult words", "Harassment or abuse", "2", "1", "1", "0", "50%"],
        ["Hate words", "Hate", "1", "0", "0", "1", "–"],
        ["Off topic links", "Off topic", "1", "1", "0", "0", "0%"],
        ["Spam links", "Spam or advertising", "1", "1", "0", "0", "0%"],
        ["Threats of violence", "Threats", "1", "1", "0", "0", "0%"]]
    assert tables["trend"][-3:] == [["August 2026", "1", "0", "0"], ["September 2026", "5", "1", "1"],
                                    ["October 2026", "20", "5", "6"]]
    assert len(tables["trend"]) == 13


def test_the_pdf_says_the_same(october: SummaryResult) -> None:
    text = pdf_text(october.pdf_path)
    assert october.pdf_path.read_bytes().startswith(b"%PDF-")
    for expected in ("Social media moderation summary: October 2026", "Posts and messages received 20 5 +15 (+300%)",
                     "All platforms 12 3 2 3 20", "All grounds 2 2 2 6", "Median time to decision 3 h 6 h 3 h quicker",
                     "Insult words Harassment or abuse 2 1 1 0 50%", "Report to the platform 0 1 0",
                     "5 posts of 20 (25%) were flagged", "approved 3, rejected 1, still pending 1",
                     "For publication", "Page 1 of"):
        assert expected.lower() in text.lower(), expected
    assert not re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", text), "a snake_case rule id or code in the public PDF"


def test_charts_are_valid_images(october: SummaryResult) -> None:
    names = {p.name for p in october.chart_paths}
    assert names == {f"{n}.{ext}" for n in ("received-and-flagged", "findings-by-ground", "decisions", "themes")
                     for ext in ("svg", "png")}
    for path in october.chart_paths:
        if path.suffix == ".png":
            with Image.open(path) as img:
                img.verify()
                assert img.format == "PNG" and img.size[0] > 600
        else:
            assert ET.parse(path).getroot().tag.endswith("svg")
    html = october.html_path.read_text(encoding="utf-8")
    assert html.count('src="data:image/svg+xml;base64,') == 4


def test_public_report_names_no_resident_and_quotes_no_flagged_post(october: SummaryResult) -> None:
    html = october.html_path.read_text(encoding="utf-8")
    pdf = pdf_text(october.pdf_path)
    handles = (*OFFENDERS, "resident_ann", "carol_k", "dave1972", "emma_walks", "frank_b", "gill_m")
    for secret in (*handles, *FLAGGED_TEXTS, DM_TEXT, "someone@else", "07700"):
        assert secret.lower() not in html.lower(), secret
        assert secret.lower() not in pdf.lower(), secret
    # The civil examples are there, without authors.
    assert "Parking on High Street" in html


def test_summary_is_recorded_and_rebuilt_in_place(report_env: ReportEnv, tmp_path: Path) -> None:
    build_summary(report_env.settings, report_env.sessions, "2026-10", tmp_path / "first")
    again = build_summary(report_env.settings, report_env.sessions, "2026-10", tmp_path / "out")
    with report_env.sessions() as s:
        rows = s.execute(select(m.Summary)).scalars().all()
    assert [(r.month, r.pdf_path, r.annex_path) for r in rows] == [("2026-10", str(again.pdf_path), None)]
    assert rows[0].figures["received"] == 20 and rows[0].figures["previous"]["received"] == 5


def test_empty_month(sqlite_report_env: ReportEnv, tmp_path: Path) -> None:
    result = build_summary(sqlite_report_env.settings, sqlite_report_env.sessions, "2026-05", tmp_path / "empty")
    tables, boxes = tables_of(result.html_path.read_text(encoding="utf-8"))
    assert boxes[0] == "0 posts and messages received" and boxes[4] == "– median time to the clerk's decision"
    assert tables["items"] == [["Platform", "Replies", "Mentions", "Quotes", "Direct messages", "Total"],
                               ["All platforms", "0", "0", "0", "0", "0"]]
    text = pdf_text(result.pdf_path)
    for expected in ("May 2026", "No direct messages were received", "No rule flagged anything this month",
                     "No term rose clearly", "No actions were approved"):
        assert expected in text, expected


def test_confidential_annex_is_separate_and_marked(sqlite_report_env: ReportEnv, tmp_path: Path) -> None:
    result = build_summary(sqlite_report_env.settings, sqlite_report_env.sessions, "2026-10", tmp_path / "out",
                           confidential_annex=True)
    assert result.annex_path is not None and result.annex_path.name.endswith("CONFIDENTIAL.pdf")
    assert result.annex_path.stat().st_mode & 0o077 == 0
    text = pdf_text(result.annex_path)
    assert "CONFIDENTIAL" in text.upper() and "closed session" in text
    assert "angry_andy" in text and "I will kill you" in text
    assert re.search(r"angry_andy 2", text)  # the repeat offender with two upheld posts
    assert "https://modbot.example.gov.uk/items/" in text.replace(" ", "")  # long links wrap in the PDF
    assert "angry_andy" not in result.html_path.read_text(encoding="utf-8")


def test_the_summary_prints_the_chain_head(october: SummaryResult) -> None:
    """Published papers carry the record's newest hash, so a later truncation or rewrite is detectable."""
    head = october.figures["chain_head"]
    assert re.fullmatch(r"[0-9a-f]{64}", head) and head != "0" * 64
    html = october.html_path.read_text(encoding="utf-8")
    assert f'<code class="hash">{head}</code>' in html
    assert head[:40] in pdf_text(october.pdf_path).replace(" ", "")
