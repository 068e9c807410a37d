/* Main-image A/B test on the storefront's product cards and on the product page's main image. A
   card (or the page's main-image link) of a product under test carries data-dp-ab (the
   experiment) and data-dp-ab-images (one image URL per arm). The visitor's arm is
   mix32(FNV-1a-32("<experiment>:<visitor id>")) modulo the number of images — the same number the server
   computes (dianpu/design/domain/abtest.py) when it counts impressions and clicks — so a page
   cached for everyone still shows each visitor their own, stable image. Without a visitor id
   (no tracking consent) the card keeps the product's main image and nothing is counted. */
(function () {
  "use strict";
  function visitorId() {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf("dp_vid=") === 0) { return parts[i].slice(7); }
    }
    return "";
  }
  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }
  function mix32(h) {  // MurmurHash3's finaliser, as in abtest.py
    h = (h ^ (h >>> 16)) >>> 0;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  }
  function apply() {
    var vid = visitorId();
    if (!vid) { return false; }
    var cards = document.querySelectorAll("[data-dp-ab]");
    Array.prototype.forEach.call(cards, function (card) {
      var urls = (card.getAttribute("data-dp-ab-images") || "").split(" ").filter(Boolean);
      var img = card.querySelector("img");
      if (!urls.length || !img) { return; }
      var arm = mix32(fnv1a(card.getAttribute("data-dp-ab") + ":" + vid)) % urls.length;
      img.setAttribute("src", urls[arm]);
      card.setAttribute("data-dp-ab-arm", String(arm));
      if (card.tagName === "A") {  // the product page's main image: its link and thumbnail follow
        card.setAttribute("href", urls[arm]);
        var gallery = card.closest(".gallery");
        var thumbs = gallery ? gallery.querySelectorAll("[data-gallery-image]") : [];
        Array.prototype.forEach.call(thumbs, function (thumb) {
          thumb.classList.toggle("is-active", thumb.getAttribute("data-gallery-image") === urls[arm]);
        });
      }
    });
    return true;
  }
  function start() {
    if (!document.querySelector("[data-dp-ab]")) { return; }
    if (!apply()) { window.setTimeout(apply, 50); }  // the tracking script may set dp_vid just after
  }
  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
