"""Small synthetic WordPress (WXR 1.2) and Disqus exports written by the tests themselves."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape


@dataclass
class C:
    """One comment of an export."""

    id: str
    content: str
    approved: str = "1"
    parent: str = "0"
    author: str = "Budi"
    email: str = "budi@example.co.id"
    url: str = ""
    ip: str = "203.0.113.77"
    date: str = "2024-03-01 10:00:00"
    type: str = "comment"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wxr(posts: dict[str, list[C]], *, encoding: str = "UTF-8", title: str = "Berita") -> str:
    """A WXR document; `posts` maps each post's link to its comments."""
    items = []
    for n, (link, comments) in enumerate(posts.items(), start=1):
        parts = [f"<item><title>{escape(title)} {n}</title><link>{escape(link)}</link><wp:post_id>{n}</wp:post_id>",
                 "<content:encoded><![CDATA[<p>Isi berita yang panjang.</p>]]></content:encoded>"]
        for c in comments:
            parts.append(
                "<wp:comment>"
                f"<wp:comment_id>{c.id}</wp:comment_id><wp:comment_author>{_cdata(c.author)}</wp:comment_author>"
                f"<wp:comment_author_email>{_cdata(c.email)}</wp:comment_author_email>"
                f"<wp:comment_author_url>{escape(c.url)}</wp:comment_author_url>"
                f"<wp:comment_author_IP>{_cdata(c.ip)}</wp:comment_author_IP>"
                f"<wp:comment_date>{_cdata(c.date)}</wp:comment_date><wp:comment_date_gmt>{_cdata(c.date)}</wp:comment_date_gmt>"
                f"<wp:comment_content>{_cdata(c.content)}</wp:comment_content>"
                f"<wp:comment_approved>{_cdata(c.approved)}</wp:comment_approved>"
                f"<wp:comment_type>{_cdata(c.type)}</wp:comment_type><wp:comment_parent>{c.parent}</wp:comment_parent>"
                "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>")
        parts.append("</item>")
        items.append("".join(parts))
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
            "<channel><title>Harian Contoh</title><link>https://news.example</link><wp:wxr_version>1.2</wp:wxr_version>\n"
            + "\n".join(items) + "\n</channel></rss>\n")


def write_wxr(path: Path, posts: dict[str, list[C]], encoding: str = "UTF-8") -> Path:
    path.write_bytes(wxr(posts, encoding=encoding).encode(encoding.lower()))
    return path


@dataclass
class P:
    """One Disqus post."""

    id: str
    message: str
    thread: str = "t1"
    parent: str = ""
    spam: str = "false"
    deleted: str = "false"
    email: str = "sari@example.co.id"
    name: str = "Sari"
    created: str = "2023-05-04T08:09:10Z"
    ip: str = "198.51.100.23"


def disqus(threads: dict[str, str], posts: list[P]) -> str:
    """A Disqus export; `threads` maps thread ids to links."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
           '<category dsq:id="1"><forum>contoh</forum><title>General</title><isDefault>true</isDefault></category>']
    for tid, link in threads.items():
        out.append(f'<thread dsq:id="{tid}"><id/><forum>contoh</forum><category dsq:id="1"/><link>{escape(link)}</link>'
                   f"<title>Judul {tid}</title><message/><createdAt>2023-05-01T00:00:00Z</createdAt>"
                   "<author><email>editor@example.co.id</email><name>Editor</name><isAnonymous>false</isAnonymous></author>"
                   "<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>")
    for p in posts:
        parent = f'<parent dsq:id="{p.parent}"/>' if p.parent else ""
        out.append(f'<post dsq:id="{p.id}"><id/><message>{_cdata(p.message)}</message><createdAt>{p.created}</createdAt>'
                   f"<isDeleted>{p.deleted}</isDeleted><isSpam>{p.spam}</isSpam>"
                   f"<author><email>{escape(p.email)}</email><name>{escape(p.name)}</name><isAnonymous>false</isAnonymous>"
                   f'</author><ipAddress>{p.ip}</ipAddress><thread dsq:id="{p.thread}"/>{parent}</post>')
    out.append("</disqus>")
    return "\n".join(out) + "\n"
