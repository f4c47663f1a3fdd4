"""chansync: keep a seller's product catalogue and stock in step across every sales channel."""

__version__ = "0.1.0"
