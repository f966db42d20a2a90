"""Data-derived text shows literally in markdown; links are http(s) only."""

from usjp.ui.markdown import md_escape, md_link, safe_url


def test_markdown_html_and_latex_are_escaped():
    out = md_escape("**bold** <script>alert(1)</script> $x$ [a](javascript:1) # h")
    assert out.startswith(r"\*\*bold\*\* \<script\>")
    assert r"\$x\$" in out and r"\[a\]\(javascript\:1\)" in out and out.endswith(r"\# h")


def test_links_only_http():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("https://example.org/a b") == "https://example.org/a%20b"
    assert md_link("t", "javascript:alert(1)") == "t"
    assert md_link("t", "https://x.org/(a)") == "[t](https://x.org/%28a%29)"
