"""The floor: a bare Streamlit page drawing one Plotly line of the 10-year yield (data/market/ust10y.csv).

What any Streamlit + Plotly app pays; the benchmark reports our app as ratios to it. It has the one
control the benchmark switches (the same "Scale" radio, key w_mode, as the timeline's).
"""

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

CSV = Path(__file__).resolve().parents[1] / "data" / "market" / "ust10y.csv"
MODES = {"levels": "Levels", "indexed": "Indexed (start = 100)"}

st.set_page_config(page_title="Floor", layout="wide")


@st.cache_data
def load() -> pd.Series:
    return pd.read_csv(CSV, parse_dates=["date"], index_col="date")["value"]


values = load()
mode = st.sidebar.radio("Scale", list(MODES), format_func=MODES.get, key="w_mode", horizontal=True)
indexed = mode == "indexed"
y = values / values.iloc[0] * 100 if indexed else values
fig = go.Figure(go.Scatter(x=values.index, y=y.to_numpy(), mode="lines", name="US 10-year Treasury yield"))
fig.update_layout(yaxis={"title": {"text": "Index (start = 100)" if indexed else "Percent"}}, height=640)
st.plotly_chart(fig, key="chart", theme=None)
