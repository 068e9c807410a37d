/* The help centre's bot box: sends the visitor's question to POST /api/v1/support/bot, shows the
   answer, its source articles and thumbs up/down. Every text is put in with textContent (never as
   HTML), so markup in a question or an answer is shown as text. The bot session id is kept in
   sessionStorage, so the bot remembers the order number and e-mail given earlier. */
(function () {
  "use strict";
  var box = document.getElementById("help-bot");
  if (!box) return;
  var form = document.getElementById("help-bot-form");
  var input = document.getElementById("help-bot-message");
  var log = document.getElementById("help-bot-log");
  var endpoint = box.dataset.endpoint;
  var STORE = "dianpu-help-bot";
  var state = {};
  try { state = JSON.parse(window.sessionStorage.getItem(STORE) || "{}") || {}; } catch (e) { state = {}; }

  function save() {
    try { window.sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function line(kind, text) {
    var item = document.createElement("li");
    item.className = kind;
    var body = document.createElement("div");
    body.className = "bot-text";
    body.textContent = text;
    item.appendChild(body);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function addSources(item, sources) {
    if (!sources || !sources.length) return;
    var p = document.createElement("p");
    p.className = "bot-sources";
    p.appendChild(document.createTextNode(box.dataset.labelSources + " "));
    sources.forEach(function (source, i) {
      var a = document.createElement("a");
      var url = String(source.url || "");
      a.href = url.charAt(0) === "/" ? url : "#";
      a.textContent = source.title;
      if (i) p.appendChild(document.createTextNode("、"));
      p.appendChild(a);
    });
    item.appendChild(p);
  }

  function addRating(item, answerId) {
    var p = document.createElement("p");
    p.className = "bot-rating";
    [[true, box.dataset.labelHelpful], [false, box.dataset.labelUnhelpful]].forEach(function (choice) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-small";
      b.textContent = choice[1];
      b.dataset.helpful = choice[0] ? "1" : "0";
      b.addEventListener("click", function () {
        fetch(endpoint + "/answers/" + encodeURIComponent(answerId) + "/rating", {
          method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
          body: JSON.stringify({session: state.session || "", helpful: choice[0]})
        }).then(function (r) {
          if (r.ok) { p.textContent = box.dataset.labelThanks; }
        });
      });
      p.appendChild(b);
    });
    item.appendChild(p);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var message = input.value.trim();
    if (!message) return;
    line("from-visitor", message);
    input.value = "";
    var payload = {message: message};
    if (state.session) payload.session = state.session;
    if (state.conversation_id) { payload.conversation_id = state.conversation_id; payload.token = state.token; }
    fetch(endpoint, {
      method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(payload)
    }).then(function (r) {
      return r.json().then(function (data) { return {ok: r.ok, data: data}; });
    }).then(function (result) {
      var data = result.data || {};
      if (!result.ok) {
        line("from-bot", data.detail || box.dataset.labelError);
        return;
      }
      state.session = data.session || state.session;
      if (data.conversation_id) { state.conversation_id = data.conversation_id; state.token = data.token; }
      save();
      var item = line("from-bot", data.answer);
      item.dataset.answerId = data.answer_id;
      if (data.handed_over) { item.classList.add("handed-over"); }
      addSources(item, data.sources);
      addRating(item, data.answer_id);
    }).catch(function () {
      line("from-bot", box.dataset.labelError);
    });
  });
})();
