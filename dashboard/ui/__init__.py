"""Streamlit helpers shared by the dashboard's pages: settings, sign-in, cached reads,
tables with exports, charts and error display."""
