"""What a workspace stores, one kind per module: rosters (with the trash),
review decisions, aliases, column mappings and settings, scenarios, added
events.

Each store is a mixin of :class:`loaders.workspace.Workspace`; it uses the
transactions of :class:`loaders.workspace.db.Database`.
"""

from loaders.workspace.stores.aliases import AliasStore
from loaders.workspace.stores.events import EventStore
from loaders.workspace.stores.review import ReviewStore
from loaders.workspace.stores.rosters import RosterStore
from loaders.workspace.stores.scenarios import ScenarioStore
from loaders.workspace.stores.settings import SettingsStore

__all__ = [
    "AliasStore",
    "EventStore",
    "ReviewStore",
    "RosterStore",
    "ScenarioStore",
    "SettingsStore",
]
