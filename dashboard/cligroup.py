"""The command group of ``lmi-dashboard``, and every use of typer's private API.

:class:`OneLineErrorGroup` prints a usage error (a bad option value, a missing
argument, an unknown option) as one line, ``error: ... (see '... --help')``,
exit status 2, instead of typer's usage line, hint and boxed message; help
shows no value type beside flags.

Private API, kept in this module only (typer is pinned below its next minor
version in ``pyproject.toml``; ``tests/test_private_apis.py`` fails loudly when
typer changes what this relies on): the exception classes of the click copy
typer carries (``typer._click.exceptions``, typer >= 0.22; click's own before),
and the ``get_params`` / ``resolve_command`` / ``main(standalone_mode=False)``
behaviour of :class:`typer.core.TyperGroup`.
"""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup

__all__ = ["ClickException", "NoArgsIsHelpError", "OneLineErrorGroup", "UsageError"]

try:  # typer >= 0.22 carries its own copy of click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer on click
    from click.exceptions import ClickException, NoArgsIsHelpError, UsageError


def _quiet_flags(params: list) -> list:
    """Give flags an empty metavar: typer's help printed ``<bool>`` beside them."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class OneLineErrorGroup(TyperGroup):
    """A command group whose usage errors are one line: ``error: ...``, exit 2.

    typer prints a bad option value or a missing argument as a usage line, a hint
    and a boxed message; here it is one line naming the option, like every other
    error of this command line. Help shows no value type beside flags (``--help``,
    ``--exact``), which take no value.
    """

    def get_params(self, ctx: typer.Context) -> list:
        return _quiet_flags(super().get_params(ctx))

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        name, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None:
            _quiet_flags(cmd.get_params(ctx))
        return name, cmd, rest

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as exc:  # rich help is printed as it is built
            if exc.format_message().strip():
                exc.show()
            sys.exit(exc.exit_code)
        except UsageError as exc:
            message = exc.format_message().replace("Value error, ", "")
            where = exc.ctx.command_path if exc.ctx is not None else self.name
            message += f" (see '{where} --help')"
            typer.echo(f"error: {message}", err=True)
            sys.exit(2)
        except ClickException as exc:
            typer.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
