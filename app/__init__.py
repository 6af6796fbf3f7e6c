"""disclosure-stats: statistics of Chinese open-government-information annual reports."""

__version__ = "0.1.0"
