"""Who may change the workspace: roles, the acting user, the permission check.

Three roles, each with everything of the one before:

=========  ==================================================================
viewer     maps, figures, plans and exports without contact details; saves
           nothing
editor     also uploads rosters, decides review items, edits aliases, events
           and planning scenarios; sees contact details when the operator
           has switched them on
admin      also removes rosters (and restores them), purges the trash, changes
           settings (e.g. "show contact details"), reads the audit trail
=========  ==================================================================

Every method of :class:`loaders.workspace.Workspace` that changes the
workspace is listed in :data:`PERMISSIONS` with the least role it needs and
the audit action it records (:mod:`loaders.workspace.audit`). The check runs
inside the method (:func:`guard_class`), so a caller that skips the UI is
refused too: :class:`PermissionDenied`.

Who acts is a :class:`Principal`. A web session binds its signed-in user with
:meth:`loaders.workspace.Workspace.as_user` (or :func:`acting_as`); a call
with nobody bound acts as :func:`unbound_principal`: the local operator (an
admin, named after the operating-system account) unless a process said
otherwise with :func:`set_unbound_principal` (the app does, with ``None``,
when sign-in is configured: then an unbound change is refused).

Roles come from :class:`RoleRules` (e-mail addresses and domains, see
:meth:`RoleRules.from_mapping`; the app reads them from ``[lmi.roles]`` in
``.streamlit/secrets.toml``).
"""

from __future__ import annotations

import contextvars
import enum
import functools
import getpass
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from loaders.workspace.errors import WorkspaceError

__all__ = [
    "PENDING",
    "PERMISSIONS",
    "AuditEntry",
    "PermissionDenied",
    "Principal",
    "Role",
    "RoleRules",
    "Rule",
    "acting_as",
    "current_principal",
    "guard_class",
    "local_principal",
    "set_unbound_principal",
    "unbound_principal",
]


class Role(enum.IntEnum):
    """A user's role; a higher value includes everything of a lower one."""

    VIEWER = 1
    EDITOR = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        """``"viewer"``, ``"editor"`` or ``"admin"``."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | Role) -> Role:
        """A role from its name (``"editor"``, any case).

        Raises
        ------
        ValueError
            Not one of viewer, editor, admin.
        """
        if isinstance(value, Role):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(
                f"Unknown role {value!r}: use viewer, editor or admin."
            ) from None


class PermissionDenied(WorkspaceError):
    """The acting user's role does not allow this change (message says which
    role it needs and who can grant it)."""

    def __init__(self, principal: Principal | None, needed: Role, what: str) -> None:
        self.principal = principal
        self.needed = needed
        self.what = what
        if principal is None:
            msg = (
                f"Nobody is signed in, so {what} is not allowed. Sign in; "
                f"{what} needs the {needed.label} role."
            )
        else:
            msg = (
                f"{principal.display} has the {principal.role.label} role; "
                f"{what} needs the {needed.label} role. An admin can grant it "
                "in [lmi.roles] of .streamlit/secrets.toml (docs/DEPLOYMENT.md)."
            )
        super().__init__(msg)


@dataclass(frozen=True)
class Principal:
    """Who acts on the workspace.

    Attributes
    ----------
    name : str
        E-mail address of a signed-in user, or ``"local:<account>"`` for the
        local operator (no sign-in).
    role : Role
    """

    name: str
    role: Role

    @property
    def display(self) -> str:
        """The name as a sentence shows it."""
        return self.name

    def can(self, needed: Role) -> bool:
        """Whether this principal's role includes ``needed``."""
        return self.role >= needed

    def require(self, needed: Role, what: str) -> None:
        """Raise :class:`PermissionDenied` unless the role includes ``needed``."""
        if not self.can(needed):
            raise PermissionDenied(self, needed, what)


def local_principal() -> Principal:
    """The local operator (no sign-in): an admin named after the OS account."""
    try:
        user = getpass.getuser()
    except Exception:  # no passwd entry (containers)
        user = "unknown"
    return Principal(f"local:{user}", Role.ADMIN)


_LOCAL = object()  # sentinel: unbound calls act as local_principal()
_UNBOUND: Any = _LOCAL
_ACTING: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "lmi_acting_principal", default=None
)


def set_unbound_principal(principal: Principal | None | object = _LOCAL) -> None:
    """Who a call acts as when no principal is bound, for this process.

    Parameters
    ----------
    principal : Principal or None, optional
        ``None``: unbound changes are refused (:class:`PermissionDenied`); the
        app sets this when sign-in is configured. Without an argument: back
        to the local operator (:func:`local_principal`).
    """
    global _UNBOUND
    _UNBOUND = principal


def unbound_principal() -> Principal | None:
    """Who an unbound call acts as (see :func:`set_unbound_principal`)."""
    return local_principal() if _UNBOUND is _LOCAL else _UNBOUND


def current_principal() -> Principal | None:
    """The principal bound in this context (:func:`acting_as`), else
    :func:`unbound_principal`."""
    bound = _ACTING.get()
    return bound if bound is not None else unbound_principal()


@contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Bind ``principal`` to the workspace calls made inside the block
    (this thread / task only)."""
    token = _ACTING.set(principal)
    try:
        yield principal
    finally:
        _ACTING.reset(token)


@dataclass
class AuditEntry:
    """The change a guarded call is making, for the audit row its write
    transaction adds (:meth:`loaders.workspace.db.Database._write`).

    Attributes
    ----------
    principal : Principal
    action : str
        :attr:`Rule.action`.
    target : dict
        Short, JSON-friendly argument values (:attr:`Rule.target`).
    recorded : bool
        Whether a committed transaction holds its row (one row per call).
    """

    principal: Principal
    action: str
    target: Mapping[str, Any]
    recorded: bool = False


#: The change under way in this context (set by a guarded method).
PENDING: contextvars.ContextVar[AuditEntry | None] = contextvars.ContextVar(
    "lmi_pending_audit", default=None
)


# ------------------------------------------------------------------ the table
@dataclass(frozen=True)
class Rule:
    """What a changing method needs and what the audit trail calls it.

    Attributes
    ----------
    role : Role
        Least role allowed.
    action : str
        Audit action, ``"<kind>.<verb>"`` (``"roster.upload"``).
    what : str
        The change in words, for :class:`PermissionDenied`.
    target : tuple of str
        Argument names whose values the audit records (never file contents or
        roster rows: those are summarised by size).
    """

    role: Role
    action: str
    what: str
    target: tuple[str, ...] = field(default_factory=tuple)


E, A = Role.EDITOR, Role.ADMIN
#: Every workspace method that changes it (a test checks none is missing).
PERMISSIONS: dict[str, Rule] = {
    "save_roster": Rule(E, "roster.upload", "uploading a roster", ("name", "filename")),
    "save_column_map": Rule(E, "mapping.save", "saving a column mapping"),
    "delete_roster": Rule(A, "roster.remove", "removing a roster", ("roster_id",)),
    "restore_roster": Rule(A, "roster.restore", "restoring a roster", ("roster_id",)),
    "purge_deleted": Rule(A, "trash.purge", "emptying the trash of rosters"),
    "set_review_choice": Rule(
        E, "review.decide", "deciding review items", ("roster_id", "row_indexes")
    ),
    "clear_review_choice": Rule(
        E, "review.clear", "clearing review decisions", ("roster_id", "row_indexes")
    ),
    "confirm_review": Rule(E, "review.confirm", "confirming review decisions"),
    "save_alias": Rule(E, "alias.add", "adding an alias", ("alias", "county", "geoid")),
    "update_alias": Rule(E, "alias.edit", "editing an alias", ("alias_id",)),
    "delete_alias": Rule(E, "alias.remove", "removing an alias", ("alias_id",)),
    "import_aliases_csv": Rule(E, "alias.import", "importing aliases"),
    "add_event": Rule(E, "event.add", "adding an event"),
    "edit_event": Rule(E, "event.edit", "editing an event", ("event_id",)),
    "remove_event": Rule(E, "event.remove", "removing an event", ("event_id",)),
    "restore_event": Rule(E, "event.restore", "restoring an event", ("event_id",)),
    "purge_deleted_events": Rule(A, "trash.purge_events", "emptying the events trash"),
    "save_scenario": Rule(E, "scenario.save", "saving a plan", ("name",)),
    "update_scenario": Rule(
        E, "scenario.update", "changing a plan", ("scenario_id", "name")
    ),
    "delete_scenario": Rule(E, "scenario.remove", "deleting a plan", ("scenario",)),
    "set_setting": Rule(A, "setting.change", "changing a setting", ("key", "value")),
}
del E, A


def _short(value: Any) -> Any:
    """A JSON-friendly, short stand-in for an argument value."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value[:200]
    if isinstance(value, bytes | bytearray):
        return f"<{len(value):,} bytes>"
    if isinstance(value, Sequence):
        items = list(value)
        if all(isinstance(v, bool | int | float | str) for v in items[:50]):
            return [_short(v) for v in items[:50]] + (["…"] if len(items) > 50 else [])
    if hasattr(value, "shape"):
        return f"<table of {value.shape[0]:,} rows>"
    return f"<{type(value).__name__}>"


def _guarded(name: str, fn: Callable, rule: Rule) -> Callable:
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        principal = current_principal()
        if principal is None:
            raise PermissionDenied(None, rule.role, rule.what)
        principal.require(rule.role, rule.what)
        if PENDING.get() is not None:  # called by another guarded method
            return fn(self, *args, **kwargs)
        try:
            bound = signature.bind(self, *args, **kwargs)
            target = {
                k: _short(bound.arguments[k])
                for k in rule.target
                if k in bound.arguments
            }
        except TypeError:
            target = {}
        token = PENDING.set(AuditEntry(principal, rule.action, target))
        try:
            return fn(self, *args, **kwargs)
        finally:
            PENDING.reset(token)

    wrapper.__lmi_rule__ = rule  # type: ignore[attr-defined]
    return wrapper


def guard_class(cls: type) -> type:
    """Wrap every method of ``cls`` named in :data:`PERMISSIONS` with the
    permission check and the audit record (used once, on ``Workspace``).

    Raises
    ------
    TypeError
        A name in :data:`PERMISSIONS` is not a method of ``cls``.
    """
    for name, rule in PERMISSIONS.items():
        fn = getattr(cls, name, None)
        if fn is None:
            raise TypeError(f"{cls.__name__} has no method {name!r} to guard")
        if getattr(fn, "__lmi_rule__", None) is None:
            setattr(cls, name, _guarded(name, fn, rule))
    return cls


# ------------------------------------------------------------------ role rules
@dataclass(frozen=True)
class RoleRules:
    """Who gets which role, by e-mail address or domain.

    Attributes
    ----------
    emails : dict of str to Role
        Lower-case address → role.
    domains : dict of str to Role
        Lower-case domain (the part after ``@``, exact) → role.
    default : Role or None
        Role of anyone else the sign-in provider accepts; ``None`` turns them
        away.
    """

    emails: Mapping[str, Role] = field(default_factory=dict)
    domains: Mapping[str, Role] = field(default_factory=dict)
    default: Role | None = Role.VIEWER

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any] | None) -> RoleRules:
        """Rules from the ``[lmi.roles]`` section of ``secrets.toml``.

        Keys (all optional): ``admins``, ``editors``, ``viewers`` (lists of
        e-mail addresses), ``admin_domains``, ``editor_domains``,
        ``viewer_domains`` (lists of domains, ``"lmi.example.org"``), and
        ``default`` (``"viewer"``, the default, or ``"none"``).

        Raises
        ------
        ValueError
            An unknown key, a value that is not a list of strings, an address
            without ``@``, or an unknown ``default``.

        Examples
        --------
        >>> rules = RoleRules.from_mapping(
        ...     {"admins": ["Ana@LMI.example.org"],
        ...      "editor_domains": ["coe.example.org"]}
        ... )
        >>> rules.role_for("ana@lmi.example.org").label
        'admin'
        >>> rules.role_for("ben@coe.example.org").label
        'editor'
        >>> rules.role_for("someone@gmail.com").label
        'viewer'
        """
        section = dict(section or {})
        known = {"admins", "editors", "viewers", "default"} | {
            f"{r}_domains" for r in ("admin", "editor", "viewer")
        }
        unknown = sorted(set(section) - known)
        if unknown:
            raise ValueError(
                f"[lmi.roles] has unknown keys {unknown}; use {sorted(known)}."
            )
        emails: dict[str, Role] = {}
        domains: dict[str, Role] = {}
        for role in Role:  # ascending: a higher role listed later wins
            for address in _strings(section, f"{role.label}s"):
                if "@" not in address:
                    raise ValueError(
                        f"[lmi.roles] {role.label}s: {address!r} is not an e-mail "
                        f"address (domains go in {role.label}_domains)."
                    )
                emails[address.lower()] = role
            for domain in _strings(section, f"{role.label}_domains"):
                domains[domain.lower().lstrip("@")] = role
        default = str(section.get("default", "viewer")).strip().lower()
        return cls(emails, domains, None if default == "none" else Role.parse(default))

    def role_for(
        self, email: str | None, *, verified: bool | None = True
    ) -> Role | None:
        """The role of a signed-in user, or ``None`` (not let in).

        Parameters
        ----------
        email : str or None
            The ``email`` claim of the OpenID Connect token.
        verified : bool or None, default True
            The ``email_verified`` claim; ``False`` gives only :attr:`default`
            (an unverified address must not borrow a listed one's role).

        Returns
        -------
        Role or None
            The highest role the address or its domain is given, else
            :attr:`default`.
        """
        if not email or verified is False:
            return self.default
        email = email.strip().lower()
        found = [r for r in (self.emails.get(email),) if r is not None]
        domain = email.rpartition("@")[2]
        if domain in self.domains:
            found.append(self.domains[domain])
        return max(found) if found else self.default


def _strings(section: Mapping[str, Any], key: str) -> list[str]:
    value = section.get(key, [])
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"[lmi.roles] {key} must be a list of strings.")
    return [v.strip() for v in value if v.strip()]
