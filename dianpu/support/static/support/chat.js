/* The storefront's live chat: opens a conversation through the API, keeps its id and token in this
   browser (localStorage), polls for new messages every few seconds while the page is open, and
   sends messages. Every message is shown with textContent: HTML is displayed as text. */
(function () {
  "use strict";
  var POLL_MS = 2500;
  var KEY = "dianpu-support-chat";
  var root = document.getElementById("support-chat");
  if (!root || !window.fetch) { return; }
  var api = root.getAttribute("data-api");
  var panel = root.querySelector(".support-chat-panel");
  var toggle = root.querySelector(".support-chat-toggle");
  var startForm = root.querySelector(".support-chat-start");
  var sendForm = root.querySelector(".support-chat-send");
  var thread = root.querySelector(".support-chat-thread");
  var errorBox = root.querySelector(".support-chat-error");
  var labels = {visitor: root.getAttribute("data-label-you"), agent: root.getAttribute("data-label-agent"),
                bot: root.getAttribute("data-label-bot"), system: root.getAttribute("data-label-system")};
  var state = load();
  var lastId = 0;
  var timer = null;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }
  function save(value) {
    state = value;
    try {
      if (value) { window.localStorage.setItem(KEY, JSON.stringify(value)); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* private mode: the chat lasts as long as the page */ }
  }
  function showError(text) { errorBox.textContent = text || root.getAttribute("data-label-error"); errorBox.hidden = false; }
  function clearError() { errorBox.hidden = true; }

  function showConversation() {
    startForm.hidden = true;
    thread.hidden = false;
    sendForm.hidden = false;
  }
  function showStart() {
    startForm.hidden = false;
    thread.hidden = true;
    sendForm.hidden = true;
    thread.textContent = "";
    lastId = 0;
  }

  function render(message) {
    if (thread.querySelector('li[data-id="' + message.id + '"]')) { return; }
    var item = document.createElement("li");
    item.className = "from-" + message.sender;
    item.setAttribute("data-id", String(message.id));
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = labels[message.sender] || "";
    var body = document.createElement("span");
    body.className = "body";
    body.textContent = message.body;
    item.appendChild(who);
    item.appendChild(body);
    (message.attachments || []).forEach(function (a) {
      var img = document.createElement("img");
      img.src = a.url;
      img.alt = "";
      item.appendChild(img);
    });
    thread.appendChild(item);
    lastId = Math.max(lastId, message.id);
    thread.scrollTop = thread.scrollHeight;
  }

  function call(method, path, body) {
    var headers = {"Accept": "application/json"};
    if (state && state.token) { headers["X-Conversation-Token"] = state.token; }
    if (body) { headers["Content-Type"] = "application/json"; }
    return fetch(path, {method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
                        credentials: "same-origin"})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {status: response.status, data: data};
        });
      });
  }

  function forget() {
    save(null);
    showStart();
  }

  function poll() {
    if (!state) { return; }
    call("GET", api + "/" + state.id + "/messages?after=" + lastId).then(function (result) {
      if (result.status === 401 || result.status === 404) { forget(); return; }
      if (result.status === 200) { result.data.items.forEach(render); }
    }).catch(function () { /* offline for a moment */ }).then(function () {
      window.clearTimeout(timer);
      if (state) { timer = window.setTimeout(poll, POLL_MS); }
    });
  }

  toggle.addEventListener("click", function () {
    var open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  root.querySelector(".support-chat-close").addEventListener("click", function () {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
  });

  startForm.addEventListener("submit", function (event) {
    event.preventDefault();
    clearError();
    var fields = {name: startForm.elements.name.value, email: startForm.elements.email.value,
                  message: startForm.elements.message.value, order_number: startForm.elements.order_number.value};
    call("POST", api, fields).then(function (result) {
      if (result.status !== 201) { showError(result.data.detail); return; }
      save({id: result.data.id, token: result.data.token});
      startForm.reset();
      showConversation();
      poll();
    }).catch(function () { showError(); });
  });

  sendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    clearError();
    var box = sendForm.elements.message;
    call("POST", api + "/" + state.id + "/messages", {message: box.value}).then(function (result) {
      if (result.status === 401) { forget(); return; }
      if (result.status === 409) { forget(); showError(result.data.detail); return; }
      if (result.status !== 201) { showError(result.data.detail); return; }
      box.value = "";
      render(result.data);
    }).catch(function () { showError(); });
  });

  if (state && state.id && state.token) {
    showConversation();
    poll();
  }
})();
