// The console's only script: live parts refresh themselves, the call form asks for its preview.
(function () {
  "use strict";

  // A list with data-alert tells of orders it did not show before: a badge in the title (until
  // the page is looked at), the new rows marked, and a short tone once the page has been
  // clicked (browsers play sound only after a gesture).
  var baseTitle = document.title;
  var unseen = 0;
  var soundOk = false;
  document.addEventListener("click", function () { soundOk = true; }, { once: true });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { unseen = 0; document.title = baseTitle; }
  });

  function ids(el) {
    return Array.prototype.map.call(el.querySelectorAll("[data-order]"), function (li) {
      return li.dataset.order;
    });
  }

  function tone() {
    if (!soundOk || !window.AudioContext) { return; }
    var audio = new AudioContext();
    var osc = audio.createOscillator();
    osc.frequency.value = 880;
    osc.connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.3);
  }

  function tell(el, before) {
    var fresh = ids(el).filter(function (id) { return before.indexOf(id) < 0; });
    if (!fresh.length) { return; }
    fresh.forEach(function (id) {
      var row = el.querySelector('[data-order="' + id + '"]');
      if (row) { row.classList.add("new"); }
    });
    unseen += fresh.length;
    document.title = "(" + unseen + ") " + el.dataset.alert + " · " + baseTitle;
    tone();
  }

  function refresh(el) {
    var before = ids(el);
    fetch(el.dataset.refresh, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        el.innerHTML = html;
        if (el.dataset.alert) { tell(el, before); }
      })
      .catch(function () { /* keep what is shown; try again next round */ });
  }

  // Live pages: one server-sent events stream per page says what changed that this person may
  // see; the page then reads its part again. While the stream is not open (EventSource missing,
  // refused, reconnecting) the lists poll as before.
  var live = { open: false };
  var liveEls = document.querySelectorAll("[data-live]");

  // A part with no fragment route of its own is read from the page's own URL and swapped in,
  // unless someone is typing in it (then a note offers the refresh instead).
  function swap(el, done) {
    if (el.dataset.dirty || (el.contains(document.activeElement) && document.activeElement.form)) {
      el.classList.add("stale");
      var note = el.querySelector(".stale-note");
      if (note) { note.hidden = false; }
      return;
    }
    fetch(location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(el.id);
        if (fresh) { el.innerHTML = fresh.innerHTML; el.classList.remove("stale"); }
        if (done) { done(); }
      })
      .catch(function () { if (done) { done(); } });
  }

  function changed(el, data) {
    if (el.dataset.live === "call") {
      el.dispatchEvent(new CustomEvent("call", { detail: data }));
    } else if (el.dataset.refresh) {
      refresh(el);
    } else {
      swap(el);
    }
  }

  liveEls.forEach(function (el) {
    el.addEventListener("input", function () { el.dataset.dirty = "1"; });
  });

  // The pop-up (issue 21): a call the PBX names this operator for. The panel reads the caller
  // and fills the call form in: the number always, the name, 户号 and address where empty.
  var panel = document.getElementById("call-panel");
  var typed = document.querySelector("#call-form input[name=phone]");
  if (panel && typed) {
    // Without a PBX: the number the operator typed opens the same panel when they move on.
    typed.addEventListener("change", function () {
      var number = typed.value.trim();
      if (!/^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/.test(number)) { return; }
      panel.dispatchEvent(new CustomEvent("call", { detail: { phone: number } }));
    });
  }
  if (panel) {
    panel.addEventListener("call", function (e) {
      var query = e.detail.call_id ? "call_id=" + encodeURIComponent(e.detail.call_id)
        : e.detail.phone ? "phone=" + encodeURIComponent(e.detail.phone) : "";
      if (!query) { return; }
      fetch("/operator/caller?" + query, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          panel.innerHTML = html;
          panel.hidden = false;
          var pop = panel.querySelector(".caller-pop");
          var callForm = document.getElementById("call-form");
          if (!pop || !callForm) { return; }
          var fill = function (name, value, always) {
            var input = callForm.elements[name];
            if (input && value && (always || !input.value)) { input.value = value; }
          };
          fill("phone", pop.dataset.phone, true);
          fill("caller_name", pop.dataset.name);
          fill("account_no", pop.dataset.account);
          fill("community", pop.dataset.community);
          fill("building", pop.dataset.building);
          callForm.dispatchEvent(new Event("change"));
          document.title = "来电 · " + baseTitle;
          var start = pop.querySelector("[data-new-order]");
          if (start) {
            start.addEventListener("click", function () {
              var next = callForm.querySelector("select[name=category]") || callForm.elements.description;
              next.focus();
            });
          }
        })
        .catch(function () { /* the form stays as it is; the operator types the number */ });
    });
  }

  if (liveEls.length && window.EventSource) {
    var first = liveEls[0];
    var url = "/events?page=" + encodeURIComponent(first.dataset.live);
    if (first.dataset.liveOrder) { url += "&order_id=" + encodeURIComponent(first.dataset.liveOrder); }
    var source = new EventSource(url, { withCredentials: true });
    var state = function (s) { document.body.dataset.liveState = s; live.open = s === "open"; };
    state("connecting");
    source.addEventListener("ready", function () {
      var again = document.body.dataset.liveState === "lost";
      state("open");
      // Back after a gap: what changed meanwhile was not pushed.
      if (again) { liveEls.forEach(function (el) { changed(el, { type: "resync" }); }); }
    });
    source.addEventListener("unavailable", function () { state("polling"); });
    source.addEventListener("change", function (e) {
      var data = JSON.parse(e.data);
      document.body.dataset.liveLast = data.type + " " + (data.order_id || data.call_id || "");
      liveEls.forEach(function (el) { changed(el, data); });
    });
    source.addEventListener("end", function () { source.close(); state("ended"); });
    source.onerror = function () {
      if (document.body.dataset.liveState !== "ended") { state("lost"); }
    };
  }

  document.querySelectorAll("[data-refresh]").forEach(function (el) {
    var every = parseInt(el.dataset.every || "15", 10) * 1000;
    if (!el.querySelector("ul, table")) { refresh(el); }
    setInterval(function () {
      if (!(live.open && el.dataset.live)) { refresh(el); }
    }, every);
  });

  var form = document.getElementById("call-form");
  if (form) {
    var target = document.getElementById("preview");
    var timer = null;
    var ask = function () {
      var data = new FormData(form);
      var params = new URLSearchParams();
      ["category", "community", "phone", "building", "account_no"].forEach(function (k) {
        params.set(k, data.get(k) || "");
      });
      if (!params.get("category") && !params.get("community") && !params.get("phone")) { return; }
      fetch(form.dataset.preview + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { target.innerHTML = html; })
        .catch(function () { target.innerHTML = "<p class='flash error'>派单预览暂不可用</p>"; });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(ask, 300); };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }
})();
