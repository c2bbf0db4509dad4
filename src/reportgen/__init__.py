"""reportgen: a council's risk & opportunity register, as committee-ready documents."""

__version__ = "0.1.0"
