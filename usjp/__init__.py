"""US–Japan trade-tension dashboard: the pure core (no Streamlit outside usjp.ui)."""
