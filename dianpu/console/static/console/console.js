/* Small progressive enhancements for the console. Every page also works without this file. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // A <select data-autosubmit> submits its form on change (its submit button is then hidden).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      var button = select.form && select.form.querySelector("button[type=submit]");
      if (button) { button.hidden = true; }
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // Buttons with data-confirm ask before submitting (the server asks too where it matters).
    document.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var message = (submitter && submitter.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) { event.preventDefault(); }
    }, true);
    // A checkbox with data-select-all="<selector>" ticks or clears every checkbox the selector finds.
    document.querySelectorAll("input[type=checkbox][data-select-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        document.querySelectorAll(box.getAttribute("data-select-all")).forEach(function (other) {
          if (!other.disabled) { other.checked = box.checked; }
        });
      });
    });
    // A form with data-kind-fields='{"kind": ["field", ...]}' shows only the fields its chosen kind
    // uses (fields named in no kind always show); the server ignores the others anyway.
    document.querySelectorAll("form[data-kind-fields]").forEach(function (form) {
      var select = form.querySelector("select[name=kind]");
      var byKind = JSON.parse(form.getAttribute("data-kind-fields") || "{}");
      if (!select) { return; }
      var managed = {};
      Object.keys(byKind).forEach(function (kind) { byKind[kind].forEach(function (name) { managed[name] = true; }); });
      function show() {
        var wanted = byKind[select.value] || [];
        Object.keys(managed).forEach(function (name) {
          var field = form.querySelector('[data-field="' + name + '"]');
          if (field) { field.hidden = wanted.indexOf(name) === -1; }
        });
      }
      select.addEventListener("change", show);
      show();
    });
    // htmx: show refused actions too (the server answers 4xx with the page and its error message).
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var status = event.detail.xhr.status;
      if (status === 403 || status === 409 || status === 422) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    // "Add a row" for formsets: clones the <template data-formset-template="prefix"> row.
    document.querySelectorAll("[data-formset-add]").forEach(function (button) {
      var prefix = button.getAttribute("data-formset-add");
      var template = document.querySelector('template[data-formset-template="' + prefix + '"]');
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var body = document.querySelector('[data-formset-body="' + prefix + '"]');
      if (!template || !total || !body) { return; }
      button.type = "button";
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var index = parseInt(total.value, 10);
        body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
        total.value = String(index + 1);
        var first = body.lastElementChild && body.lastElementChild.querySelector("input");
        if (first) { first.focus(); }
      });
    });
  });
})();
