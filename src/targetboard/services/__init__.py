"""The use cases: the only door to the store. The CLI, the web routes and the demo call these.

Each function takes a :class:`~targetboard.store.Database` (or nothing, for pure reading of
documents), an :class:`Actor` for every write, and plain arguments; it returns plain dataclasses (no
ORM object leaves this package) and raises only :mod:`targetboard.errors`.

One module per family of use cases:

- :mod:`.documents`: read a file or upload and extract its items and plan tree;
- :mod:`.plans`: import a plan, show it with live statuses, change its status, review items;
- :mod:`.assignments`: suggest and assign responsible units;
- :mod:`.observations`: import, list and undo observation files; store accepted outcomes;
- :mod:`.tracking`: status, forecast, peer ranking, claim checks, frozen snapshots;
- :mod:`.regions`: regions and units;
- :mod:`.users`: accounts, roles, unit memberships, passwords;
- :mod:`.audit`: the audit trail;
- :mod:`.schema`: open the database, migrate it.
"""

from targetboard.services.actors import Actor

__all__ = ["Actor"]
