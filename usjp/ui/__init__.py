"""The only Streamlit-aware code: cached loaders, URL state and shared widgets."""
