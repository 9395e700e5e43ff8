"""KPI advisor: helps marketing teams of local businesses set KPIs that guide decisions."""

__version__ = "0.1.0"
