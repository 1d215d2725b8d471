"""Continuous learning: for each site that turned it on, train a challenger once it has enough new labels.

The challenger is activated only if it beats the active model on the newest labels by
`learning.margin` and loses at most `learning.tolerance` on every base test (classifiers.training.feedback.gate).
Every run is recorded (training_runs) with its figures; the dashboard draws them.
"""
from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from moderation.learning.labelrows import count_after
from moderation.learning.trainer import TrainingRefused, train_site
from moderation.registry.models import TrainingRun
from moderation.settings import Settings

log = logging.getLogger("moderation.learning")


def new_labels(session: Session, site_id: str) -> tuple[int, int]:
    """(labels after the newest one an earlier run saw, that run's last label id); failed runs do not count."""
    seen = session.scalar(select(func.max(TrainingRun.labels_through))
                          .where(TrainingRun.site_id == site_id, TrainingRun.status != "failed")) or 0
    n, _newest = count_after(session, site_id, int(seen))
    return n, int(seen)


def run(sessions: sessionmaker[Session], settings: Settings) -> dict[str, str]:
    """One pass over the sites with continuous learning on; what happened per site."""
    conf = settings.learning
    out: dict[str, str] = {}
    for site_id in conf.continuous_sites:
        with sessions() as session:
            n, _ = new_labels(session, site_id)
        if n < conf.min_new_labels:
            out[site_id] = f"waiting: {n} of {conf.min_new_labels} new labels"
            continue
        try:
            outcome = train_site(sessions, settings, site_id, trigger="beat", activation="gate", labels_new=n)
        except TrainingRefused as exc:
            out[site_id] = f"refused: {exc}"
        except Exception as exc:  # recorded on the run; the next tick tries again
            log.exception("continuous learning for site %s failed", site_id)
            out[site_id] = f"failed: {type(exc).__name__}"
        else:
            out[site_id] = f"{outcome.status}: {outcome.version} ({outcome.gate})"
        log.info("continuous learning, site %s: %s", site_id, out[site_id])
    return out
