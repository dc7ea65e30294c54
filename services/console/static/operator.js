// The 96568 form at keyboard speed: 类别 and 小区 picked by name, pinyin or its initials (the
// keys are computed by the server into data-keys), Ctrl+Enter submits from the description.
(function () {
  "use strict";
  var form = document.getElementById("call-form");
  if (!form) { return; }

  // The best option for what was typed: an exact key first, then a key it begins.
  function best(options, typed) {
    typed = typed.trim().toLowerCase();
    if (!typed) { return null; }
    var starts = null;
    for (var i = 0; i < options.length; i++) {
      var keys = (options[i].dataset.keys || "").split(" ");
      if (keys.indexOf(typed) >= 0) { return options[i]; }
      if (!starts && keys.some(function (k) { return k.indexOf(typed) === 0; })) { starts = options[i]; }
    }
    return starts;
  }

  // 类别: the typing field sets the select beside it as each key is pressed.
  var typing = document.getElementById("category-typeahead");
  var select = form.querySelector("select[name=category]");
  if (typing && select) {
    typing.addEventListener("input", function () {
      var found = best(select.querySelectorAll("option[data-keys]"), typing.value);
      if (found) {
        select.value = found.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  // 小区: initials or pinyin become the community's name when the field is left or Enter pressed.
  var community = form.querySelector("input[data-typeahead]");
  if (community) {
    var list = document.getElementById(community.dataset.typeahead);
    var settle = function () {
      var options = list ? list.querySelectorAll("option[data-keys]") : [];
      var exact = Array.prototype.some.call(options, function (o) { return o.value === community.value; });
      if (exact) { return; }
      var found = best(options, community.value);
      if (found) {
        community.value = found.value;
        community.dispatchEvent(new Event("change", { bubbles: true }));
      }
    };
    community.addEventListener("blur", settle);
    community.addEventListener("keydown", function (e) { if (e.key === "Enter") { settle(); } });
  }

  var description = form.querySelector("textarea[name=description]");
  if (description) {
    description.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
  }
})();
