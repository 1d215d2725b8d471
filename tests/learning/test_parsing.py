"""WXR and Disqus parsing: every status, threading, odd encodings, truncated files, entity bombs, huge files."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from moderation.imports import disqus, wxr
from moderation.imports.records import ImportFileError, check_size
from tests.learning.exports import C, P, write_wxr
from tests.learning.exports import disqus as disqus_doc
from tests.learning.exports import wxr as wxr_doc

LINK = "https://news.example/2024/03/jalan-rusak/"


@pytest.mark.parametrize(("approved", "status"), [("1", "published"), ("0", "held"), ("spam", "spam"),
                                                  ("trash", "trash"), ("post-trashed", "post-trashed")])
def test_every_wordpress_status(tmp_path: Path, approved: str, status: str) -> None:
    records, _ = wxr.read(write_wxr(tmp_path / "x.xml", {LINK: [C("7", "Komentar", approved=approved)]}))
    assert [(r.source_id, r.status) for r in records] == [("7", status)]


def test_fields_threads_and_parents(tmp_path: Path) -> None:
    posts = {LINK: [C("1", "Pertama", email="budi@example.co.id", url="https://budi.example", ip="203.0.113.77",
                      date="2024-03-01 10:00:00"),
                    C("2", "Balasan <a href=\"https://x.example\">tautan</a>", parent="1", author="Sari & Co")],
             "https://news.example/lain/": [C("3", "Di berita lain")]}
    records, skipped = wxr.read(write_wxr(tmp_path / "x.xml", posts))
    first, reply, other = records
    assert (first.thread_uri, first.thread_title, first.name, first.email, first.website, first.ip) == (
        LINK, "Berita 1", "Budi", "budi@example.co.id", "https://budi.example", "203.0.113.77")
    assert first.created_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert (reply.parent_source_id, reply.name, reply.body) == ("1", "Sari & Co", 'Balasan <a href="https://x.example">tautan</a>')
    assert first.parent_source_id is None
    assert other.thread_uri == "https://news.example/lain/" and skipped == {}


def test_pingbacks_are_skipped_and_counted(tmp_path: Path) -> None:
    posts = {LINK: [C("1", "ok"), C("2", "ping", type="pingback"), C("3", "track", type="trackback")]}
    records, skipped = wxr.read(write_wxr(tmp_path / "x.xml", posts))
    assert [r.source_id for r in records] == ["1"] and skipped == {"pingback": 1, "trackback": 1}


@pytest.mark.parametrize("encoding", ["UTF-8", "ISO-8859-1", "windows-1252", "UTF-16"])
def test_odd_encodings(tmp_path: Path, encoding: str) -> None:
    text = "Bagus sekali, caf\u00e9 \u00e0 la carte" + (" \u20ac5" if encoding in ("UTF-8", "windows-1252", "UTF-16") else "")
    records, _ = wxr.read(write_wxr(tmp_path / "x.xml", {LINK: [C("1", text, author="Andr\u00e9")]}, encoding=encoding))
    assert (records[0].body, records[0].name) == (text, "Andr\u00e9")


def test_utf8_with_bom_and_windows_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(b"\xef\xbb\xbf" + wxr_doc({LINK: [C("1", "baris satu\r\nbaris dua")]}).encode())
    assert wxr.read(path)[0][0].body == "baris satu\nbaris dua"


def test_invalid_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(wxr_doc({LINK: [C("1", "ok")]}).encode().replace(b"ok", b"o\xffk"))
    with pytest.raises(ImportFileError) as err:
        wxr.read(path)
    assert err.value.where.startswith("line ") and "not well-formed" in err.value.reason


def test_truncated_file_is_refused_with_its_line(tmp_path: Path) -> None:
    full = wxr_doc({LINK: [C(str(i), f"komentar {i}") for i in range(1, 40)]})
    path = tmp_path / "cut.xml"
    path.write_text(full[: len(full) * 2 // 3], encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        wxr.read(path)
    assert "is the file complete?" in str(err.value) and err.value.where.startswith("line ")


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("approved", "maybe", "wp:comment_approved 'maybe' is not one of 1, 0, spam, trash"),
    ("date", "kemarin", "wp:comment_date_gmt 'kemarin' is not a date and time"),
    ("id", "", "wp:comment_id is missing"),
])
def test_bad_fields_name_the_comment_and_reason(tmp_path: Path, field: str, bad: str, message: str) -> None:
    comment = C("5", "isi")
    setattr(comment, field, bad)
    with pytest.raises(ImportFileError) as err:
        wxr.read(write_wxr(tmp_path / "x.xml", {LINK: [C("4", "baik"), comment]}))
    assert err.value.reason == message and err.value.where.startswith("line ")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><link>x</link><wp:comment>
<wp:comment_id>1</wp:comment_id><wp:comment_content>&lol3;</wp:comment_content></wp:comment></item></channel></rss>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title></item></channel></rss>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_dtds_and_entities_are_refused(tmp_path: Path, document: str) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        wxr.read(path)
    assert "refused" in err.value.reason


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = write_wxr(tmp_path / "x.xml", {LINK: [C("1", "x" * 5000)]})
    with pytest.raises(ImportFileError) as err:
        check_size(path, 4096)
    assert "over the import limit of 4,096 bytes" in err.value.reason


def test_huge_element_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from moderation.imports import records

    monkeypatch.setattr(records, "MAX_FIELD_CHARS", 1000)
    with pytest.raises(ImportFileError) as err:
        wxr.read(write_wxr(tmp_path / "x.xml", {LINK: [C("1", "kata " * 500)]}))
    assert "longer than 1,000 characters" in err.value.reason


def test_not_a_wordpress_export(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<?xml version='1.0'?><html><body/></html>", encoding="utf-8")
    with pytest.raises(ImportFileError, match="not a WordPress export"):
        wxr.read(path)


@pytest.mark.parametrize(("spam", "deleted", "status"), [("false", "false", "published"), ("true", "false", "spam"),
                                                         ("false", "true", "trash"), ("true", "true", "spam")])
def test_every_disqus_status(tmp_path: Path, spam: str, deleted: str, status: str) -> None:
    path = tmp_path / "d.xml"
    path.write_text(disqus_doc({"t1": LINK}, [P("100", "<p>Halo</p>", spam=spam, deleted=deleted)]), encoding="utf-8")
    assert [r.status for r in disqus.read(path)[0]] == [status]


def test_disqus_fields_and_threads(tmp_path: Path) -> None:
    path = tmp_path / "d.xml"
    path.write_text(disqus_doc({"t1": LINK, "t2": "https://news.example/dua/"},
                               [P("100", "<p>Halo</p>"), P("101", "<p>Balas</p>", parent="100", thread="t2", name="Rudi",
                                                           email="rudi@example.co.id")]), encoding="utf-8")
    first, reply = disqus.read(path)[0]
    assert (first.thread_uri, first.thread_title, first.name, first.email, first.ip) == (
        LINK, "Judul t1", "Sari", "sari@example.co.id", "198.51.100.23")
    assert first.created_at == datetime(2023, 5, 4, 8, 9, 10, tzinfo=UTC) and first.body == "<p>Halo</p>"
    assert (reply.parent_source_id, reply.thread_uri, reply.name, reply.email) == (
        "100", "https://news.example/dua/", "Rudi", "rudi@example.co.id")


@pytest.mark.parametrize(("post", "message"), [
    (P("100", "x", spam="perhaps"), "isSpam 'perhaps' is not true or false"),
    (P("100", "x", thread="nope"), "thread 'nope' is not defined before the post"),
    (P("100", "x", created=""), "createdAt is missing"),
])
def test_disqus_bad_posts(tmp_path: Path, post: P, message: str) -> None:
    path = tmp_path / "d.xml"
    path.write_text(disqus_doc({"t1": LINK}, [post]), encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        disqus.read(path)
    assert err.value.reason == message and err.value.where.startswith("line ")


def test_a_wordpress_file_is_not_a_disqus_export(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="not a Disqus export"):
        disqus.read(write_wxr(tmp_path / "x.xml", {LINK: [C("1", "ok")]}))
