"""Pure Plotly figures and the words inside them (credits.py); no Streamlit."""
