"""The click commands. Options come from cli/options.py; the work from cli/commands.py."""

from __future__ import annotations

import click

from ordspec import __version__
from ordspec.cli import commands
from ordspec.cli.options import COMPILE, LINT, Opt


def _options(table):
    def apply(f):
        for opt in reversed(table):
            f = click.option(
                *_decls(opt),
                metavar=opt.metavar,
                type=_type(opt),
                default=opt.default,
                help=opt.help,
                multiple=opt.multiple,
                show_default=opt.default is not None,
            )(f)
        return f

    return apply


def _decls(opt: Opt):
    return [opt.flag, opt.short] if opt.short else [opt.flag]


def _type(opt: Opt):
    if opt.choices is not None:
        return click.Choice(opt.choices)
    if opt.check is not None:
        return _Checked(opt.check, opt.metavar)
    return None


class _Checked(click.ParamType):
    def __init__(self, check, name):
        self.check = check
        self.name = (name or "value").lower()

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return self.check(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ordspec")
def cli():
    """ordspec: check order files, compile them to broker requests, send them once."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATHS...")
@_options(LINT)
def lint(paths, **options):
    """Check order files (.ord, .yaml) and directories; '-' reads stdin."""
    raise SystemExit(commands.lint(list(paths), **options))


@cli.command("compile")
@click.argument("path", metavar="FILE")
@_options(COMPILE)
def compile_(path, **options):
    """Compile an order file into the broker's exact requests (JSON). All or nothing."""
    raise SystemExit(commands.compile(path, **options))


@cli.command()
@click.option("--format", type=click.Choice(("text", "json")), default="text", show_default=True, help="output format")
def rules(format):
    """List every rule: code, name, severity, brokers, summary."""
    raise SystemExit(commands.rules(format))


@cli.command()
@click.argument("rule", metavar="NAME|CODE")
def explain(rule):
    """Explain a rule: what it checks, why, an example and its source."""
    raise SystemExit(commands.explain(rule))
