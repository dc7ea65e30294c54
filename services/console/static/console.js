// The console's only script: live parts refresh themselves, the call form asks for its preview.
(function () {
  "use strict";

  function refresh(el) {
    fetch(el.dataset.refresh, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { el.innerHTML = html; })
      .catch(function () { /* keep what is shown; try again next round */ });
  }

  document.querySelectorAll("[data-refresh]").forEach(function (el) {
    var every = parseInt(el.dataset.every || "15", 10) * 1000;
    if (!el.querySelector("ul, table")) { refresh(el); }
    setInterval(function () { refresh(el); }, every);
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
