"""The saved workspace: rosters, aliases, review decisions, mappings, scenarios,
events.

Everything a user saves lives in one SQL database reached through one
connection URL (SQLAlchemy 2.x Core): by default a SQLite file in the workspace
folder, or whatever ``$LMI_WORKSPACE_URL`` names (e.g. PostgreSQL).

Where things are
----------------
========================  ====================================================
``config``                folder, URL, the environment variables that move them
``db``                    engine, SQLite WAL and pragmas, transactions, revision
``schema``                the tables (current revision)
``migrations``            Alembic revisions, run on open; workspaces made before
                          Alembic (versions 1-2) are adopted
``stores.rosters``        saved rosters, original files, the trash (undo)
``stores.review``         review decisions (grouping: :mod:`loaders.review`)
``stores.aliases``        aliases, alias CSV export / import
``stores.settings``       column mappings per layout, settings
``stores.scenarios``      venue-planning scenarios, each under its own id
``stores.events``         events a user added (published: ``loaders.events``)
``access``                roles, the acting user, the permission check
``audit``                 the audit trail (read; rows written with each change)
``core``                  :class:`Workspace` and :func:`open_workspace`
========================  ====================================================

Personal data: rosters hold names and emails (``person_name``, ``email``);
they are stored as given. Callers decide what to show
(:data:`SETTING_SHOW_CONTACTS`) and exports drop them unless asked
(:meth:`Workspace.export_aliases_csv` holds no personal data).
"""

from loaders.exports import CONTACT_COLUMNS
from loaders.review import NOT_CALIFORNIA_NOTE, REVIEW_METHOD
from loaders.workspace.access import (
    PERMISSIONS,
    PermissionDenied,
    Principal,
    Role,
    RoleRules,
    acting_as,
    local_principal,
    set_unbound_principal,
)
from loaders.workspace.audit import AUDIT_COLUMNS
from loaders.workspace.config import (
    ENV_WORKSPACE_DIR,
    ENV_WORKSPACE_URL,
    SQLITE_FILENAME,
    workspace_dir,
    workspace_url,
)
from loaders.workspace.core import ActingWorkspace, Workspace, open_workspace
from loaders.workspace.errors import (
    AliasImportError,
    EditConflictError,
    WorkspaceError,
)
from loaders.workspace.migrations import HEAD as SCHEMA_VERSION
from loaders.workspace.stores.aliases import (
    ALIAS_CSV_COLUMNS,
    MAX_ALIAS_CSV_BYTES,
    formula_safe,
    normalise_alias,
)
from loaders.workspace.stores.scenarios import plan_summary, scenario_differences
from loaders.workspace.stores.settings import SETTING_SHOW_CONTACTS

__all__ = [
    "ALIAS_CSV_COLUMNS",
    "AUDIT_COLUMNS",
    "PERMISSIONS",
    "ActingWorkspace",
    "PermissionDenied",
    "Principal",
    "Role",
    "RoleRules",
    "acting_as",
    "local_principal",
    "set_unbound_principal",
    "CONTACT_COLUMNS",
    "ENV_WORKSPACE_DIR",
    "ENV_WORKSPACE_URL",
    "MAX_ALIAS_CSV_BYTES",
    "NOT_CALIFORNIA_NOTE",
    "REVIEW_METHOD",
    "SCHEMA_VERSION",
    "SETTING_SHOW_CONTACTS",
    "SQLITE_FILENAME",
    "AliasImportError",
    "EditConflictError",
    "Workspace",
    "WorkspaceError",
    "formula_safe",
    "normalise_alias",
    "open_workspace",
    "plan_summary",
    "scenario_differences",
    "workspace_dir",
    "workspace_url",
]
