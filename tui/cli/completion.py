"""The ``completion`` subcommand: shell completion scripts written from the parser itself.

Generated from the argparse tree rather than kept by hand, so a new command or option
completes the day it is added. Commands, their options and the choices of options with a
fixed set of values complete; other arguments fall back to file names.
"""

from __future__ import annotations

import argparse
import sys

from callsheet.tui.cli.common import arg, command

SHELLS = ("bash", "zsh", "fish")


def register(subparsers, common) -> None:
    shell = arg("shell", choices=SHELLS)
    command(subparsers, "completion", _HELP, cmd_completion, [shell])


_HELP = "print a shell completion script (bash, zsh or fish)"


def cmd_completion(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.tui.cli import build_parser

    sys.stdout.write(script(build_parser(), args.shell))
    return 0


def _tree(parser: argparse.ArgumentParser) -> tuple[list[str], dict[str, dict[str, list[str]]]]:
    """Top-level options, and per command: each option with its fixed choices (or [])."""
    top = [s for a in parser._actions for s in a.option_strings]
    commands: dict[str, dict[str, list[str]]] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                options: dict[str, list[str]] = {}
                for sub_action in sub._actions:
                    choices = [str(c) for c in sub_action.choices or []]
                    if sub_action.option_strings:
                        for flag in sub_action.option_strings:
                            options[flag] = choices
                    elif choices:
                        options[""] = choices  # a positional with fixed values
                commands[name] = options
    return top, commands


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    top, commands = _tree(parser)
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](top, commands)


def _bash(top: list[str], commands: dict[str, dict[str, list[str]]]) -> str:
    cases = []
    for name, options in commands.items():
        flags = " ".join(flag for flag in options if flag)
        values = [
            f'            {flag}) COMPREPLY=($(compgen -W "{" ".join(choices)}" -- "$cur")); return;;'
            for flag, choices in options.items()
            if flag and choices
        ]
        positional = " ".join(options.get("", []))
        cases.append(
            f"        {name})\n"
            f'            case "$prev" in\n'
            + "\n".join(values)
            + ("\n" if values else "")
            + "            esac\n"
            f'            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "{flags}" -- "$cur"));\n'
            + (
                f'            else COMPREPLY=($(compgen -W "{positional}" -- "$cur")); fi;;'
                if positional
                else '            else COMPREPLY=($(compgen -f -- "$cur")); fi;;'
            )
        )
    return (
        "# bash completion for callsheet: callsheet completion bash > "
        "~/.local/share/bash-completion/completions/callsheet\n"
        "_callsheet() {\n"
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" command="" i\n'
        "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        '        case "${COMP_WORDS[i]}" in --db) ((i++));; -*) ;; *) command="${COMP_WORDS[i]}"; break;; esac\n'
        "    done\n"
        '    if [[ -z "$command" ]]; then\n'
        f'        COMPREPLY=($(compgen -W "{" ".join(commands)} {" ".join(top)}" -- "$cur")); return\n'
        "    fi\n"
        '    case "$command" in\n' + "\n".join(cases) + "\n    esac\n"
        "}\n"
        "complete -o default -F _callsheet callsheet\n"
    )


def _zsh(top: list[str], commands: dict[str, dict[str, list[str]]]) -> str:
    lines = [
        "#compdef callsheet",
        "# zsh completion for callsheet: callsheet completion zsh > ~/.zfunc/_callsheet",
        "_callsheet() {",
        "  local -a commands",
        "  commands=(" + " ".join(commands) + ")",
        "  if (( CURRENT == 2 )); then",
        "    _describe 'command' commands",
        "    _arguments '*:file:_files'",
        "    return",
        "  fi",
        "  case $words[2] in",
    ]
    for name, options in commands.items():
        specs = []
        for flag, choices in options.items():
            if not flag:
                specs.append(f"'1:value:({' '.join(choices)})'")
            elif choices:
                specs.append(f"'{flag}[]:value:({' '.join(choices)})'")
            else:
                specs.append(f"'{flag}[]'")
        specs.append("'*:file:_files'")
        lines.append(f"    {name}) _arguments {' '.join(specs)};;")
    lines += ["  esac", "}", 'compdef _callsheet callsheet 2>/dev/null || _callsheet "$@"', ""]
    return "\n".join(lines)


def _fish(top: list[str], commands: dict[str, dict[str, list[str]]]) -> str:
    lines = [
        "# fish completion for callsheet: callsheet completion fish > "
        "~/.config/fish/completions/callsheet.fish",
        f"complete -c callsheet -n __fish_use_subcommand -a '{' '.join(commands)}'",
    ]
    for name, options in commands.items():
        when = f"'__fish_seen_subcommand_from {name}'"
        for flag, choices in options.items():
            values = f" -x -a '{' '.join(choices)}'" if choices else ""
            if not flag:
                lines.append(f"complete -c callsheet -n {when}{values}")
            elif flag.startswith("--"):
                lines.append(f"complete -c callsheet -n {when} -l {flag[2:]}{values}")
            else:
                lines.append(f"complete -c callsheet -n {when} -s {flag[1:]}{values}")
    return "\n".join(lines) + "\n"
