"""Each supported format is ingested and answerable; metadata from the file or a sidecar."""

from __future__ import annotations

from pathlib import Path

from briefing_bot.formats import read_file
from briefing_bot.knowledge import load_knowledge
from briefing_bot.pipeline import Pipeline
from conftest import FakeEmbedder, write_knowledge

HTML = """<!doctype html><html lang="en"><head><title>Press release: cyber week</title>
<meta name="author" content="Ministry of Examples"><meta name="date" content="2025-10-20T09:00:00Z">
<link rel="canonical" href="https://example.org/press/cyber-week"><script>var x = "<p>not text</p>";</script>
</head><body><nav>Home | News</nav><h2>Cyber week</h2>
<p>The cyber week exhibition opens in the Hanoi museum on 21 October 2025 &amp; runs for five days.</p>
<figure><img src="x.jpg"><figcaption>Visitors at the cyber week exhibition.</figcaption></figure>
<footer>Copyright</footer></body></html>"""


def minimal_pdf(lines: list[str], title: str, author: str) -> bytes:
    """A one-page PDF with the given text lines (Helvetica), written by hand."""
    text = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) /Author ({author}) /CreationDate (D:20251101120000Z) >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_html_passages_sections_captions_and_metadata(tmp_path):
    (tmp_path / "release.html").write_text(HTML, encoding="utf-8")
    knowledge = load_knowledge(tmp_path)
    doc = knowledge.documents["release"]
    assert (doc.title, doc.publisher, doc.published, doc.language, doc.url) == (
        "Press release: cyber week", "Ministry of Examples", "2025-10-20", "en", "https://example.org/press/cyber-week")
    texts = [(p.text, p.kind, p.section) for p in knowledge.passages]
    assert texts == [
        ("The cyber week exhibition opens in the Hanoi museum on 21 October 2025 & runs for five days.", "text", "Cyber week"),
        ("Visitors at the cyber week exhibition.", "caption", "Cyber week"),
    ]


def test_html_innermost_blocks_in_reading_order_without_skipped_elements(tmp_path):
    (tmp_path / "page.html").write_text(
        "<header><h1>Site name</h1></header><h1>Top</h1><div>loose text</div>"
        "<ul><li>Intro<ul><li>Nested item</li></ul>tail</li></ul>"
        "<p>A <b>bold</b><nav>menu</nav>\n   word<script>var p = '<p>no</p>';</script></p>"
        "<table><tr><th>Head</th><td>Cell</td><td>Cell</td></tr></table><footer><p>Copyright</p></footer>",
        encoding="utf-8")
    meta, blocks = read_file(tmp_path / "page.html")
    assert meta == {"kind": "web page"}
    assert [(b.text, b.section) for b in blocks] == [
        ("Intro", "Top"), ("Nested item", "Top"), ("tail", "Top"), ("A bold word", "Top"),
        ("Head", "Top"), ("Cell", "Top"), ("Cell", "Top")]


def test_pdf_text_and_metadata_with_a_sidecar(tmp_path):
    (tmp_path / "report.pdf").write_bytes(minimal_pdf(
        ["The cyber report counts 12 training courses held in 2025.", "Most courses took place in Da Nang."],
        "Annual cyber report", "Training Institute"))
    (tmp_path / "report.pdf.yaml").write_text("language: en\nkind: report\nurl: https://example.org/report.pdf\n")
    knowledge = load_knowledge(tmp_path)
    doc = knowledge.documents["report"]
    assert (doc.title, doc.publisher, doc.published, doc.kind, doc.url) == (
        "Annual cyber report", "Training Institute", "2025-11-01", "report", "https://example.org/report.pdf")
    text = " ".join(p.text for p in knowledge.passages)
    assert "12 training courses held in 2025" in text and "Da Nang" in text


def test_plain_text_without_front_matter_is_readable(tmp_path):
    (tmp_path / "note.txt").write_text("Le comité se réunira à Vienne en janvier 2026.\n\nLa séance est publique.\n",
                                       encoding="utf-8")
    knowledge = load_knowledge(tmp_path)
    assert knowledge.documents["note"].language == "fr"
    assert [p.text for p in knowledge.passages] == ["Le comité se réunira à Vienne en janvier 2026.",
                                                   "La séance est publique."]


def test_every_format_is_answerable_right_after_ingest(tmp_path: Path, settings):
    folder = write_knowledge(Path(settings.knowledge_dir))
    (folder / "release.html").write_text(HTML, encoding="utf-8")
    (folder / "report.pdf").write_bytes(minimal_pdf(["The cyber report counts 12 training courses held in 2025."],
                                                    "Annual cyber report", "Training Institute"))
    (folder / "note.txt").write_text("The museum cafeteria serves pho every Tuesday.\n", encoding="utf-8")
    pipeline = Pipeline(settings, embedder=FakeEmbedder())
    report = pipeline.ingest()
    assert report.skipped == {} and {"release", "report", "note"} <= set(report.added)
    for question, expected in [("When does the cyber week exhibition open in the Hanoi museum?", "21 October 2025"),
                               ("How many training courses does the cyber report count?", "12 training courses"),
                               ("What does the museum cafeteria serve?", "pho every Tuesday")]:
        answer = pipeline.ask(question)
        assert answer.answered and expected in answer.answer, (question, answer.answer)


def test_broken_pdf_is_reported_by_name_and_skipped(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "fine.txt").write_text("A fine passage.\n", encoding="utf-8")
    knowledge = load_knowledge(tmp_path)
    assert "broken" in knowledge.problems and "broken.pdf" in knowledge.problems["broken"]
    assert "fine" in knowledge.documents
