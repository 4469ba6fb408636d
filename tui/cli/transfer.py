"""(Subcommands to come.)"""


def register(subparsers, common) -> None:
    pass
