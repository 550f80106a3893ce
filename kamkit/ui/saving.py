"""Nothing typed is lost when the store cannot write: a step's views save through a `Keeper`.

When a save fails (disk full, database read-only, locked too long), the keeper holds the
document the trainee typed, says so next to the step's save status - what went wrong, that their
answers stay on screen, and that kamkit tries again - and retries in the background every few
seconds until the store takes it. The view keeps showing (and working from) what was typed; a
later edit saves everything at once, including what had not been saved.

A page left behind - the trainee reloaded, or works in another tab - never overwrites newer work:
its save is kept in the history as out of date, and the page says to reload (`OutOfDate`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace

from pydantic import BaseModel

from kamkit.errors import NotFound, OutOfDate, SaveFailed
from kamkit.session import Basis
from kamkit.ui.components import Message

__all__ = ["Keeper", "RETRY_SECONDS"]

_log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0


class Keeper:
    """Saves one step's documents for a view, holding any the store refused until it takes them.

    `save(step, doc, basis) -> version` is the session's save; `message` is the view's save
    status; `basis` is what the view's document was opened on (`Session.open_step`).
    """

    def __init__(self, save: Callable[[str, BaseModel, Basis], int], step: str,
                 message: Message, basis: Basis) -> None:
        self._save = save
        self.step = step
        self.basis = basis  # what the next save is based on: the view's account and version
        self.message = message
        self.unsaved: BaseModel | None = None   # what the store does not have yet
        self._timer: asyncio.TimerHandle | None = None

    def needs_saving(self, doc: BaseModel, last: BaseModel | None) -> bool:
        return doc != last or self.unsaved is not None

    def offer(self, doc: BaseModel, last: BaseModel | None) -> None:
        """Save `doc` if it differs from `last` (what the view showed) or something is still
        held - the one step every view's commit takes before it redraws."""
        if self.needs_saving(doc, last):
            self.keep(doc)  # held and retried if the store refuses it

    def keep(self, doc: BaseModel) -> int | None:
        """Save `doc`: its version, or None when the store refused it (then it is held, the
        person told, and a retry scheduled) or kept it as out of date (the person told to
        reload)."""
        try:
            version = self._save(self.step, doc, self.basis)
        except NotFound:  # the account was deleted meanwhile: nothing to save it to
            self.unsaved = None
            self._cancel()
            self.message.error("This account was deleted, so this change was not saved.")
            return None
        except OutOfDate as exc:  # kept apart in the store: nothing to hold or retry
            self.unsaved = None
            self._cancel()
            self.message.error(str(exc))
            return None
        except SaveFailed as exc:
            self.unsaved = doc
            self.message.error(f"{exc} kamkit tries again every {RETRY_SECONDS:.0f} seconds; "
                               f"keep working, nothing you type is thrown away.")
            self._schedule()
            return None
        self.unsaved = None
        self._cancel()
        self.basis = replace(self.basis, version=version)
        self.message.ok("All changes saved.", version=version)
        return version

    def settled(self) -> None:
        """Every field valid again: a "saved, except …" warning gives way (the last save was
        acknowledged; nothing is waiting)."""
        if self.unsaved is None and "kk-unsaved" in self.message.value:
            self.message.ok("All changes saved.")

    def retry(self) -> int | None:
        """Try the held document again (the scheduled retry calls this)."""
        self._timer = None
        if self.unsaved is None:
            return None
        try:
            return self.keep(self.unsaved)
        except Exception:  # a retry runs outside any handler: nothing may escape it
            _log.exception("retrying a save of %s failed", self.step)
            self._schedule()
            return None

    def _schedule(self) -> None:
        if self._timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel loop (a test drives `retry()` itself)
            return
        self._timer = loop.call_later(RETRY_SECONDS, self.retry)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
