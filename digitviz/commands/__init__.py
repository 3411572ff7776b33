"""The subcommands of the ``digitviz`` command line; each module has a ``run(args) -> int``."""
