"""The operations-room page (运营监控大屏): one self-contained HTML document, no build step and
no asset from the internet (``templates/dashboard.html``). It fetches /v1/sla/overview,
/v1/sla/at-risk and the month's rates (/v1/sla/rates) with the viewer's token (``/#token=…``
once; kept in the browser's localStorage) and refreshes itself."""

import json
from html import escape
from pathlib import Path

# The page itself, read once: a whole HTML document is easier to read as HTML.
_PAGE = (Path(__file__).parent / "templates" / "dashboard.html").read_text(encoding="utf-8")


def render_dashboard(
    department_names: dict[str, str], refresh_seconds: int, console_url: str = ""
) -> str:
    # JSON inside <script>: "</" is escaped so a name can never close the script element.
    names = json.dumps(
        {escape(k): v for k, v in department_names.items()}, ensure_ascii=False
    ).replace("</", "<\\/")
    console = json.dumps(console_url.rstrip("/")).replace("</", "<\\/")
    return (
        _PAGE.replace("__NAMES__", names)
        .replace("__REFRESH__", str(int(refresh_seconds)))
        .replace("__CONSOLE__", console)
    )
