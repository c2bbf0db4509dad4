"""reportgen: a council's risk & opportunity register, as committee-ready documents."""

# The one place the version is written: pyproject.toml reads it from here (dynamic = ["version"]).
__version__ = "0.1.0"
