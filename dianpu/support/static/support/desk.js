/* The agent's conversation page: new messages appear without reloading (the page polls its
   messages URL with the last id it shows), replies and notes are sent without reloading, and a
   canned reply is inserted into the reply box in one click. Message text is always set with
   textContent: HTML a customer types is shown as text. */
(function () {
  "use strict";
  var POLL_MS = 2000;
  var thread = document.getElementById("thread");
  var form = document.getElementById("reply-form");
  if (!thread || !form) { return; }
  var lastId = parseInt(thread.getAttribute("data-last-id") || "0", 10);
  var pollUrl = thread.getAttribute("data-poll-url");
  var internalLabel = thread.getAttribute("data-label-internal") || "";
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var errorBox = document.getElementById("reply-error");
  var statusBadge = document.getElementById("conversation-status");

  function render(message) {
    if (thread.querySelector('li[data-id="' + message.id + '"]')) { return; }
    var item = document.createElement("li");
    item.className = "msg-" + message.sender + (message.internal ? " msg-internal" : "");
    item.setAttribute("data-id", String(message.id));
    var meta = document.createElement("div");
    meta.className = "meta";
    var parts = [message.sender_label];
    if (message.author) { parts.push(message.author); }
    if (message.internal) { parts.push(internalLabel); }
    parts.push(message.created_at.slice(5, 16).replace("T", " "));
    meta.textContent = parts.join(" · ");
    var body = document.createElement("div");
    body.className = "body";
    body.textContent = message.body;
    item.appendChild(meta);
    item.appendChild(body);
    (message.attachments || []).forEach(function (url) {
      var img = document.createElement("img");
      img.className = "attachment";
      img.src = url;
      img.alt = "";
      item.appendChild(img);
    });
    thread.appendChild(item);
    lastId = Math.max(lastId, message.id);
    item.scrollIntoView({block: "nearest"});
  }

  function poll() {
    fetch(pollUrl + "?after=" + lastId, {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.items.forEach(render);
        if (statusBadge && data.status_label) {
          statusBadge.textContent = data.status_label;
          statusBadge.className = "badge badge-" + data.status;
        }
      })
      .catch(function () { /* offline for a moment: the next poll catches up */ })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);

  function post(fields) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(window.location.pathname, {method: "POST", body: body, credentials: "same-origin",
                                           headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.json(); });
  }

  form.addEventListener("submit", function (event) {
    var action = event.submitter ? event.submitter.value : "reply";
    var fileInput = form.querySelector("input[type=file]");
    if (fileInput && fileInput.files.length) { return; } // an image: the ordinary form post
    event.preventDefault();
    var text = form.querySelector("textarea").value;
    post({action: action, message: text}).then(function (data) {
      if (data.code) {
        errorBox.textContent = data.detail;
        errorBox.hidden = false;
        return;
      }
      errorBox.hidden = true;
      form.querySelector("textarea").value = "";
      if (data.message) { render(data.message); }
    });
  });

  document.querySelectorAll("button[data-canned]").forEach(function (button) {
    button.addEventListener("click", function () {
      post({action: "canned", reply: button.getAttribute("data-canned")}).then(function (data) {
        if (!data.text) { return; }
        var box = form.querySelector("textarea");
        box.value = box.value ? box.value + "\n" + data.text : data.text;
        box.focus();
      });
    });
  });
})();
