/* dianpu first-party tracking: no third-party script, no CDN. Sends small batches of events to
   this shop's own collect endpoint with navigator.sendBeacon. Honours Do Not Track / Global
   Privacy Control and, when the shop requires it, the visitor's consent (cookie dp_consent).
   Cookies: dp_vid (visitor, one year), dp_sid (visit, renewed while active, ends after 30 idle
   minutes), dp_src (first touch of the visit: UTM tags and referring host). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !navigator.sendBeacon) { return; }
  var endpoint = script.getAttribute("data-collect");
  var IDLE = 30 * 60, YEAR = 365 * 24 * 3600;
  if (navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true) { return; }

  function getCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) { return parts[i].slice(eq + 1); }
    }
    return "";
  }
  function setCookie(name, value, maxAge) {
    document.cookie = name + "=" + value + "; path=/; max-age=" + maxAge + "; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }
  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var queue = [], timer = null, started = false;
  function renewVisit() {
    setCookie("dp_vid", getCookie("dp_vid") || newId(), YEAR);
    if (!getCookie("dp_sid")) {  // a new visit (the last one ended after 30 idle minutes): remember its source
      var params = new URLSearchParams(location.search), referrer = "";
      try {
        if (document.referrer) {
          var host = new URL(document.referrer).host;
          if (host !== location.host) { referrer = host; }
        }
      } catch (e) { referrer = ""; }
      setCookie("dp_sid", newId(), IDLE);
      setCookie("dp_src", encodeURIComponent(JSON.stringify({
        s: params.get("utm_source") || "", m: params.get("utm_medium") || "",
        c: params.get("utm_campaign") || "", r: referrer
      })), IDLE);
    } else {
      setCookie("dp_sid", getCookie("dp_sid"), IDLE);
      setCookie("dp_src", getCookie("dp_src"), IDLE);
    }
  }
  function flush() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (!queue.length) { return; }
    var batch = queue.splice(0, 50);
    renewVisit();
    navigator.sendBeacon(endpoint, new Blob([JSON.stringify({ events: batch })], { type: "text/plain" }));
    if (queue.length) { flush(); }
  }
  function send(kind, extra, now) {
    var event = { kind: kind, path: location.pathname };
    for (var key in extra) { if (Object.prototype.hasOwnProperty.call(extra, key)) { event[key] = extra[key]; } }
    queue.push(event);
    if (now) { flush(); } else if (!timer) { timer = setTimeout(flush, 2000); }
  }

  function start() {
    if (started) { return; }
    started = true;
    renewVisit();
    var page = document.querySelector("[data-dp-product-page]");
    var productId = page ? page.getAttribute("data-dp-product-page") : null;
    send("page_view", {});
    if (productId) { send("product_view", { product_id: productId }); }

    // Product cards on list pages: shown (impression) and clicked (main image or name).
    var cards = document.querySelectorAll("[data-dp-product]");
    if (cards.length && "IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            send("list_impression", { product_id: entry.target.getAttribute("data-dp-product") });
            observer.unobserve(entry.target);
          }
        });
      }, { threshold: 0.5 });
      Array.prototype.forEach.call(cards, function (card) { observer.observe(card); });
    }
    document.addEventListener("click", function (event) {
      var card = event.target.closest && event.target.closest("[data-dp-product]");
      if (card && event.target.closest("a")) { send("list_click", { product_id: card.getAttribute("data-dp-product") }, true); }
    });

    // Dwell time: the time the page was visible, sent when it is hidden or left.
    var visibleSince = document.visibilityState === "visible" ? Date.now() : null, dwell = 0;
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        if (visibleSince !== null) { dwell += Date.now() - visibleSince; visibleSince = null; }
        if (dwell > 0) { send("leave", { product_id: productId, dwell_ms: dwell }, true); dwell = 0; }
        flush();
      } else {
        visibleSince = Date.now();
      }
    });
    window.addEventListener("pagehide", flush);
  }

  function banner() {
    var box = document.createElement("div");
    box.className = "consent-banner";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-live", "polite");
    var text = document.createElement("p");
    text.textContent = script.getAttribute("data-consent-text");
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "button";
    yes.textContent = script.getAttribute("data-consent-accept");
    var no = document.createElement("button");
    no.type = "button";
    no.className = "button button-secondary";
    no.textContent = script.getAttribute("data-consent-decline");
    yes.addEventListener("click", function () { setCookie("dp_consent", "yes", YEAR); box.remove(); start(); });
    no.addEventListener("click", function () { setCookie("dp_consent", "no", YEAR); box.remove(); });
    box.appendChild(text); box.appendChild(yes); box.appendChild(no);
    document.body.appendChild(box);
  }

  function init() {
    var consent = getCookie("dp_consent");
    if (consent === "no") { return; }
    if (script.getAttribute("data-consent-required") === "1" && consent !== "yes") { banner(); return; }
    start();
  }
  if (document.readyState !== "loading") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
