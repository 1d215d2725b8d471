"""Finding the author behind an email on a site (both blind indexes during a rotation)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.errors import NotFound, ValidationFailed
from moderation.models import Author, Site
from moderation.settings import Settings

MAX_EMAIL = 254


def check_email(email: str) -> str:
    """The address as given, or a 422 naming the field."""
    value = (email or "").strip()
    if not value or len(value) > MAX_EMAIL or "@" not in value or any(c.isspace() for c in value):
        raise ValidationFailed("Give the email address you commented with.", {"email": "not an email address"},
                               key="invalid_email", codes={"email": "invalid"})
    return value


def check_site(session: Session, site_id: str) -> Site:
    """The site, or a 404 naming the field."""
    site = session.get(Site, site_id) if site_id else None
    if site is None:
        raise NotFound("No such site.", {"site": "unknown site"}, key="site_unknown")
    return site


def find_author(session: Session, settings: Settings, site_id: str, email: str) -> Author | None:
    """The author row of that email on that site, under the current or the previous index."""
    indexes = privacy.blind_indexes(settings, check_email(email))
    rows = {a.email_bidx: a for a in session.scalars(
        select(Author).where(Author.site_id == site_id, Author.email_bidx.in_(indexes)))}
    return next((rows[i] for i in indexes if i in rows), None)
