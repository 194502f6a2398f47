"""The click commands. Options come from cli/options.py; the work from cli/commands.py."""

from __future__ import annotations

import click

from ordspec import __version__
from ordspec.cli import commands
from ordspec.cli.options import APPLY, COMPILE, DISPATCH, LINT, PLAN, Opt, with_choices


def _options(table):
    def apply(f):
        for opt in reversed(table):
            if opt.is_flag:
                f = click.option(*_decls(opt), is_flag=True, default=False, help=opt.help)(f)
                continue
            f = click.option(
                *_decls(opt),
                metavar=opt.metavar,
                type=_type(opt),
                default=opt.default,
                help=with_choices(opt.help, opt.choices) if opt.choices else opt.help,
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
@click.option("--format", type=click.Choice(("text", "json")), default="text", show_default=True, metavar="FORMAT", help=with_choices("output format", ("text", "json")))
def rules(format):
    """List every rule: code, name, severity, brokers, summary."""
    raise SystemExit(commands.rules(format))


@cli.command()
@click.argument("rule", metavar="NAME|CODE")
def explain(rule):
    """Explain a rule: what it checks, why, an example and its source."""
    raise SystemExit(commands.explain(rule))


@cli.command()
@click.argument("path", metavar="FILE")
@click.option("--dry-run", is_flag=True, help="show every request (secrets redacted) and send nothing; opens no connection")
@_options(DISPATCH)
def dispatch(path, **options):
    """Send a file's orders to the broker, each exactly once (see the journal)."""
    raise SystemExit(commands.dispatch(path, **options))


@cli.command("plan")
@click.argument("paths", nargs=-1, required=True, metavar="PATHS...")
@_options(PLAN)
def plan_(paths, **options):
    """Show what would change at the broker to make it match the files' orders (sends nothing)."""
    from ordspec.cli.plan import plan

    raise SystemExit(plan(list(paths), **options))


@cli.command("apply")
@click.argument("paths", nargs=-1, required=True, metavar="PLAN|PATHS...")
@_options(APPLY)
def apply_(paths, **options):
    """Apply a saved plan exactly (or nothing, if the book moved), or plan and apply the files' orders."""
    from ordspec.cli.plan import apply

    raise SystemExit(apply(list(paths), **options))


@cli.group()
def journal():
    """The dispatch journal: what was sent, and what the broker answered."""


@journal.command("list")
@click.option("--journal", "journal_path", metavar="PATH", help="the journal (default: $XDG_STATE_HOME/ordspec/journal.sqlite)")
@click.option("--state", type=click.Choice(("sending", "confirmed", "rejected", "unknown")), help="only requests in this state")
@click.option("--format", type=click.Choice(("text", "json")), default="text", show_default=True, metavar="FORMAT", help=with_choices("output format", ("text", "json")))
def journal_list(journal_path, state, format):
    """List the journaled requests."""
    raise SystemExit(commands.journal_list(journal_path, state, format))


@journal.command("resolve")
@click.argument("key")
@click.option("--placed", metavar="ID", help="the broker placed it, with this id")
@click.option("--not-placed", is_flag=True, help="the broker did not place it (the next dispatch sends it)")
@click.option("--journal", "journal_path", metavar="PATH", help="the journal (default: $XDG_STATE_HOME/ordspec/journal.sqlite)")
def journal_resolve(key, placed, not_placed, journal_path):
    """Record what happened to a request whose answer was lost."""
    raise SystemExit(commands.journal_resolve(key, placed, not_placed, journal_path))


@cli.command("paper-broker")
@click.option("--port", type=int, default=8765, show_default=True, help="the port on 127.0.0.1 (0: any free port)")
@click.option("--db", default=":memory:", show_default=True, help="SQLite file for the paper brokers' state")
def paper_broker(port, db):
    """Serve every broker's paper API on 127.0.0.1, for trying dispatch."""
    from ordspec.paper.server import main

    raise SystemExit(main(port, db))


@cli.command()
@click.option("--stdio", is_flag=True, help="talk over stdin and stdout (the default, and the only way)")
def server(stdio):
    """Run the language server (LSP over stdio) for editors; needs `pip install 'ordspec[server]'`."""
    from ordspec.server import main

    raise SystemExit(main())


@cli.command("fmt")
@click.argument("paths", nargs=-1, required=True, metavar="PATHS...")
@click.option("--check", is_flag=True, help="change nothing; exit 1 if a file would change")
@click.option("--stdin-filename", metavar="NAME", help="the name shown for what '-' reads")
def fmt(paths, check, stdin_filename):
    """Rewrite .ord files canonically ('-': stdin to stdout). Comments stay; what they compile to never changes."""
    from ordspec.cli.fmt import fmt as run

    raise SystemExit(run(list(paths), check, stdin_filename))


from ordspec.cli.simulate import simulate  # noqa: E402  (the command lives in its own module)

cli.add_command(simulate)
