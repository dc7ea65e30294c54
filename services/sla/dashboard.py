"""The operations-room page (运营监控大屏): one self-contained HTML document, no build step and
no asset from the internet. It fetches /v1/sla/overview and /v1/sla/at-risk with the viewer's
token (``/#token=…`` once; kept in the browser's localStorage) and refreshes itself."""

import json
from html import escape

_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>工单时限监控 · Gridline</title>
<style>
  :root { --bg:#0f1722; --card:#182232; --fg:#e8eef6; --muted:#8fa3bb; --red:#ff5d5d;
          --yellow:#ffc94d; --green:#4cd48a; --blue:#5aa9ff; }
  * { box-sizing: border-box; }
  body { margin:0; background:var(--bg); color:var(--fg);
         font-family: "Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif; }
  header { display:flex; justify-content:space-between; align-items:baseline; padding:16px 24px;
           border-bottom:1px solid #243246; }
  h1 { margin:0; font-size:24px; letter-spacing:2px; }
  h2 { font-size:17px; margin:0 0 10px; color:var(--muted); font-weight:normal; }
  .muted { color:var(--muted); font-size:13px; }
  main { padding:16px 24px; display:grid; gap:16px;
         grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); }
  .totals { grid-column:1/-1; display:grid; gap:16px; grid-template-columns:repeat(5, 1fr); }
  .card { background:var(--card); border-radius:8px; padding:14px 18px; }
  .total .value { font-size:44px; font-weight:bold; margin-top:4px; }
  .total.bad .value { color:var(--red); } .total.warn .value { color:var(--yellow); }
  table { width:100%; border-collapse:collapse; font-size:15px; }
  th, td { text-align:left; padding:6px 8px; border-bottom:1px solid #243246; }
  th { color:var(--muted); font-weight:normal; }
  td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
  .left { font-variant-numeric: tabular-nums; font-weight:bold; }
  .left.soon { color:var(--red); } .left.warned { color:var(--yellow); }
  .empty { color:var(--muted); padding:12px 8px; }
  #login { grid-column:1/-1; display:none; }
  #login input { width:60%; padding:6px; }
  #error { color:var(--red); }
  /* Links on navy: light blue, underlined (the browser's dark blue was unreadable). */
  a, a:visited { color:var(--blue); text-decoration:underline; }
  a:hover, a:focus { color:var(--fg); }
  #sound { float:right; }
</style>
</head>
<body>
<header>
  <h1>工单时限监控</h1>
  <button id="sound" type="button">新红牌提示音：关</button>
  <div class="muted">更新于 <span id="as-of">—</span> · 每 __REFRESH__ 秒自动刷新
    <span id="error"></span></div>
</header>
<main>
  <section id="login" class="card">
    <h2>请从控制台「值班室」重新打开时限看板（或输入 ops 角色访问令牌）</h2>
    <form id="login-form"><input id="token-input" placeholder="访问令牌">
    <button>进入</button></form>
  </section>
  <section class="totals">
    <div class="card total"><h2>在办工单</h2><div class="value" id="total-open">—</div></div>
    <div class="card total warn"><h2>待签收</h2><div class="value" id="total-unack">—</div></div>
    <div class="card total warn"><h2>临期（24小时内到期）</h2>
      <div class="value" id="total-at-risk">—</div></div>
    <div class="card total bad"><h2>今日超时（红牌）</h2>
      <div class="value" id="total-breaches-today">—</div></div>
    <div class="card total bad"><h2>本月超时</h2>
      <div class="value" id="total-breaches-month">—</div></div>
  </section>
  <section class="card">
    <h2>临期工单（倒计时）</h2>
    <table><thead><tr><th>工单号</th><th>时限</th><th>部门</th><th>类别</th>
      <th>到期时间</th><th class="num">剩余</th></tr></thead>
      <tbody id="at-risk"></tbody></table>
  </section>
  <section class="card">
    <h2>各部门</h2>
    <table><thead><tr><th>部门</th><th class="num">在办</th><th class="num">待签收</th>
      <th class="num">今日超时</th><th class="num">本月超时</th><th class="num">本月办结</th>
      <th class="num">按时办结率</th></tr></thead>
      <tbody id="departments"></tbody></table>
    <p class="muted">签收用时 P50 <span id="ack-p50">—</span> · P90 <span id="ack-p90">—</span>；
      办结用时 P50 <span id="res-p50">—</span> · P90 <span id="res-p90">—</span></p>
  </section>
  <section class="card">
    <h2>最近超时（红牌）</h2>
    <table><thead><tr><th>工单号</th><th>时限</th><th>部门</th><th>到期时间</th></tr></thead>
      <tbody id="breaches"></tbody></table>
  </section>
</main>
<script>
"use strict";
const NAMES = __NAMES__;
const REFRESH_MS = __REFRESH__ * 1000;
const CONSOLE = __CONSOLE__;
let atRisk = [];
let fetchedAt = Date.now();

function token() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) {
    localStorage.setItem("gridline.token", decodeURIComponent(m[1]));
    // The console's short-lived credential leaves the address bar (and any bookmark of it).
    history.replaceState(null, "", location.pathname + location.search);
  }
  return localStorage.getItem("gridline.token");
}
// A new red card sounds once the wall screen's sound is switched on (browsers play audio
// only after a click on the page).
let soundOn = false;
let seenBreaches = null;
function beep() {
  if (!soundOn) { return; }
  const audio = new AudioContext();
  const tone = audio.createOscillator();
  tone.frequency.value = 880;
  tone.connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.4);
}
function newRedCards(breaches) {
  const keys = new Set(breaches.map((b) => b.order_id + "/" + b.kind + "/" + b.due));
  const fresh = seenBreaches !== null && [...keys].some((k) => !seenBreaches.has(k));
  seenBreaches = keys;
  if (fresh) { beep(); }
  return fresh;
}
function text(id, value) { document.getElementById(id).textContent = value; }
function cell(row, value, cls) {
  const td = document.createElement("td");
  td.textContent = value;
  if (cls) { td.className = cls; }
  row.appendChild(td);
  return td;
}
// With the web console configured, each order links to its page there.
function orderCell(row, orderId) {
  const td = cell(row, CONSOLE ? "" : orderId);
  if (CONSOLE) {
    const a = document.createElement("a");
    a.href = CONSOLE + "/orders/" + encodeURIComponent(orderId);
    a.target = "_blank";
    a.textContent = orderId;
    td.appendChild(a);
  }
  return td;
}
function fill(id, rows, columns, emptyText) {
  const body = document.getElementById(id);
  body.replaceChildren();
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = cell(tr, emptyText, "empty");
    td.colSpan = columns;
    body.appendChild(tr);
  }
  return body;
}
function deptName(code) { return NAMES[code] || (code === "UNASSIGNED" ? "未分派" : code); }
function duration(seconds) {
  if (seconds === null || seconds === undefined) { return "—"; }
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
  const m = Math.floor(s % 3600 / 60), sec = s % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return (d ? d + "天 " : "") + pad(h) + ":" + pad(m) + ":" + pad(sec);
}
function rate(r) { return r === null ? "—" : (r * 100).toFixed(1) + "%"; }

async function get(path) {
  const reply = await fetch(path, { headers: { Authorization: "Bearer " + token() } });
  if (reply.status === 401) {
    document.getElementById("login").style.display = "block";
    throw new Error("未登录或令牌已过期");
  }
  if (!reply.ok) { throw new Error(path + " → " + reply.status); }
  return reply.json();
}

function renderCountdown() {
  const body = fill("at-risk", atRisk, 6, "暂无临期工单");
  const elapsed = (Date.now() - fetchedAt) / 1000;
  for (const item of atRisk) {
    const tr = document.createElement("tr");
    tr.dataset.orderId = item.order_id;
    orderCell(tr, item.order_id);
    cell(tr, item.kind_label);
    cell(tr, deptName(item.department));
    cell(tr, item.category_label || "");
    cell(tr, item.due_local);
    const left = item.seconds_left - elapsed;
    const cls = "num left" + (left < 3600 ? " soon" : item.warned ? " warned" : "");
    const td = cell(tr, left <= 0 ? "已到期" : duration(left), cls);
    td.dataset.secondsLeft = String(item.seconds_left);
    body.appendChild(tr);
  }
}

async function refresh() {
  if (!token()) { document.getElementById("login").style.display = "block"; return; }
  try {
    const [overview, risk] = await Promise.all([
      get("/v1/sla/overview"), get("/v1/sla/at-risk?within_hours=24&limit=50")]);
    const t = overview.totals;
    text("total-open", t.open_orders);
    text("total-unack", t.unacknowledged);
    text("total-at-risk", t.at_risk);
    text("total-breaches-today", t.breaches_today);
    text("total-breaches-month", t.breaches_month);
    text("ack-p50", duration(overview.time_to_acknowledge.p50));
    text("ack-p90", duration(overview.time_to_acknowledge.p90));
    text("res-p50", duration(overview.time_to_resolve.p50));
    text("res-p90", duration(overview.time_to_resolve.p90));
    const depts = fill("departments", overview.departments, 7, "暂无数据");
    for (const d of overview.departments) {
      const tr = document.createElement("tr");
      tr.dataset.department = d.department;
      cell(tr, d.name);
      cell(tr, d.open_orders, "num");
      cell(tr, d.unacknowledged, "num");
      cell(tr, d.breaches_today, "num");
      cell(tr, d.breaches_month, "num");
      cell(tr, d.resolved_month, "num");
      cell(tr, rate(d.on_time_rate), "num");
      depts.appendChild(tr);
    }
    newRedCards(overview.recent_breaches);
    const breaches = fill("breaches", overview.recent_breaches, 4, "暂无超时");
    for (const b of overview.recent_breaches) {
      const tr = document.createElement("tr");
      orderCell(tr, b.order_id); cell(tr, b.kind_label);
      cell(tr, deptName(b.department)); cell(tr, b.due_local);
      breaches.appendChild(tr);
    }
    atRisk = risk.items;
    fetchedAt = Date.now();
    renderCountdown();
    text("as-of", new Date(overview.as_of).toLocaleString("zh-CN",
      { timeZone: "Asia/Shanghai", hour12: false }));
    text("error", "");
    document.body.dataset.loaded = "true";
  } catch (err) {
    text("error", "（" + err.message + "）");
  }
}

document.getElementById("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  localStorage.setItem("gridline.token", document.getElementById("token-input").value.trim());
  document.getElementById("login").style.display = "none";
  refresh();
});
document.getElementById("sound").addEventListener("click", (e) => {
  soundOn = !soundOn;
  e.target.textContent = soundOn ? "新红牌提示音：开" : "新红牌提示音：关";
});
refresh();
setInterval(refresh, REFRESH_MS);
setInterval(renderCountdown, 1000);
</script>
</body>
</html>
"""


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
