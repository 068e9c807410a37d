/* The storefront's one customer-service box: the bot answers first (POST /api/v1/support/bot,
   with its source articles and thumbs up/down); "talk to a person" — or the bot itself when it is
   unsure — hands over in the same box to a live conversation, whose id and token the bot's reply
   gives. From then on messages go to that conversation (polled every few seconds while the page is
   open), and once it is resolved the visitor is asked to rate it (1–5). The bot session, the
   conversation id and token are kept in this browser (localStorage). Every text is put in with
   textContent: HTML is displayed as text. */
(function () {
  "use strict";
  var POLL_MS = 2500;
  var KEY = "dianpu-support-chat";
  var root = document.getElementById("support-chat");
  if (!root || !window.fetch) { return; }
  var api = root.getAttribute("data-api");
  var botApi = root.getAttribute("data-bot");
  var panel = root.querySelector(".support-chat-panel");
  var toggle = root.querySelector(".support-chat-toggle");
  var sendForm = root.querySelector(".support-chat-send");
  var humanButton = root.querySelector(".support-chat-human");
  var thread = root.querySelector(".support-chat-thread");
  var rateBox = root.querySelector(".support-chat-rate");
  var errorBox = root.querySelector(".support-chat-error");
  var box = sendForm.elements.message;
  var labels = {visitor: root.getAttribute("data-label-you"), agent: root.getAttribute("data-label-agent"),
                bot: root.getAttribute("data-label-bot"), system: root.getAttribute("data-label-system")};
  var state = load() || {};
  var lastId = 0;
  var timer = null;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }
  function save() {
    try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: lasts the page */ }
  }
  function live() { return Boolean(state.id && state.token); }
  function showError(text) { errorBox.textContent = text || root.getAttribute("data-label-error"); errorBox.hidden = false; }
  function clearError() { errorBox.hidden = true; }
  function showMode() {
    humanButton.hidden = live();
    box.maxLength = live() ? 5000 : 1000;
  }

  function line(sender, text, id) {
    if (id && thread.querySelector('li[data-id="' + id + '"]')) { return null; }
    var item = document.createElement("li");
    item.className = "from-" + sender;
    if (id) { item.setAttribute("data-id", String(id)); }
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = labels[sender] || "";
    var body = document.createElement("span");
    body.className = "body";
    body.textContent = text;
    item.appendChild(who);
    item.appendChild(body);
    thread.appendChild(item);
    thread.scrollTop = thread.scrollHeight;
    return item;
  }

  function render(message) {
    var item = line(message.sender, message.body, message.id);
    if (!item) { return; }
    (message.attachments || []).forEach(function (a) {
      var img = document.createElement("img");
      img.src = a.url;
      img.alt = "";
      item.appendChild(img);
    });
    lastId = Math.max(lastId, message.id);
  }

  function call(method, path, body) {
    var headers = {"Accept": "application/json"};
    if (live()) { headers["X-Conversation-Token"] = state.token; }
    if (body) { headers["Content-Type"] = "application/json"; }
    return fetch(path, {method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
                        credentials: "same-origin"})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {status: response.status, data: data};
        });
      });
  }

  // --- the bot ------------------------------------------------------------------------------------
  function addSources(item, sources) {
    if (!sources || !sources.length) { return; }
    var p = document.createElement("p");
    p.className = "bot-sources";
    p.appendChild(document.createTextNode(root.getAttribute("data-label-sources") + " "));
    sources.forEach(function (source, i) {
      var a = document.createElement("a");
      var url = String(source.url || "");
      a.href = url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : "#";
      a.textContent = source.title;
      if (i) { p.appendChild(document.createTextNode("、")); }
      p.appendChild(a);
    });
    item.appendChild(p);
  }

  function addRating(item, answerId) {
    var p = document.createElement("p");
    p.className = "bot-rating";
    [[true, "data-label-helpful"], [false, "data-label-unhelpful"]].forEach(function (choice) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = root.getAttribute(choice[1]);
      b.setAttribute("data-helpful", choice[0] ? "1" : "0");
      b.addEventListener("click", function () {
        call("POST", botApi + "/answers/" + encodeURIComponent(answerId) + "/rating",
             {session: state.session || "", helpful: choice[0]}).then(function (result) {
          if (result.status === 200) { p.textContent = root.getAttribute("data-label-thanks"); }
        });
      });
      p.appendChild(b);
    });
    item.appendChild(p);
  }

  function askBot(text) {
    var asked = line("visitor", text);
    var payload = {message: text};
    if (state.session) { payload.session = state.session; }
    return call("POST", botApi, payload).then(function (result) {
      var data = result.data || {};
      if (result.status !== 200) { showError(data.detail); return; }
      state.session = data.session || state.session;
      if (data.handed_over && data.conversation_id && data.token) {
        // The question and the bot's answer are now the conversation's messages: the poll shows them.
        thread.removeChild(asked);
        state.id = data.conversation_id;
        state.token = data.token;
        save();
        showMode();
        poll();
        return;
      }
      var item = line("bot", data.answer);
      addSources(item, data.sources);
      save();
      addRating(item, data.answer_id);
    });
  }

  // --- the live conversation ------------------------------------------------------------------------
  function forgetConversation() {
    delete state.id;
    delete state.token;
    save();
    lastId = 0;
    rateBox.hidden = true;
    showMode();
  }

  function offerRating() {
    if (!rateBox.hidden) { return; }
    rateBox.textContent = root.getAttribute("data-label-rate") + " ";
    [1, 2, 3, 4, 5].forEach(function (score) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = String(score);
      b.setAttribute("data-score", String(score));
      b.addEventListener("click", function () {
        call("POST", api + "/" + state.id + "/satisfaction", {score: score}).then(function (result) {
          if (result.status === 200 || result.status === 409) {
            rateBox.textContent = root.getAttribute("data-label-thanks");
          }
        });
      });
      rateBox.appendChild(b);
    });
    rateBox.hidden = false;
  }

  function poll() {
    if (!live()) { return; }
    call("GET", api + "/" + state.id + "/messages?after=" + lastId).then(function (result) {
      if (result.status === 401 || result.status === 404) { forgetConversation(); return; }
      if (result.status !== 200) { return; }
      result.data.items.forEach(render);
      if (result.data.status === "resolved" && result.data.satisfaction_score === null) { offerRating(); }
    }).catch(function () { /* offline for a moment */ }).then(function () {
      window.clearTimeout(timer);
      if (live()) { timer = window.setTimeout(poll, POLL_MS); }
    });
  }

  function sendLive(text) {
    return call("POST", api + "/" + state.id + "/messages", {message: text}).then(function (result) {
      if (result.status === 401) { forgetConversation(); showError(); return; }
      if (result.status === 409) { forgetConversation(); showError(result.data.detail); return; }
      if (result.status !== 201) { showError(result.data.detail); return; }
      render(result.data);
    });
  }

  // --- the box ------------------------------------------------------------------------------------
  toggle.addEventListener("click", function () {
    var open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  root.querySelector(".support-chat-close").addEventListener("click", function () {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
  });

  sendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    clearError();
    var text = box.value.trim();
    if (!text) { return; }
    box.value = "";
    (live() ? sendLive(text) : askBot(text)).catch(function () { showError(); });
  });

  humanButton.addEventListener("click", function () {
    clearError();
    askBot(root.getAttribute("data-human-message")).catch(function () { showError(); });
  });

  showMode();
  if (live()) { poll(); }
})();
