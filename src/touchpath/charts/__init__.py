"""Pure functions from result tables to Plotly figures (no I/O)."""
