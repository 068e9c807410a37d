/* WeChat Pay JSAPI inside WeChat's own browser: go by WeChat's OAuth when the buyer's openid is
   still unknown (#wechat-oauth), then hand the signed parameters the order page carries
   (data-* of #wechat-jsapi-pay) to WeixinJSBridge, then follow the order's status page. The JS
   callback is never trusted: WeChat Pay's notification (or our order query) confirms the payment. */
(function () {
  "use strict";
  // First WeChat's OAuth (a plain navigation: the page's CSP lets no form end on another site).
  var oauth = document.getElementById("wechat-oauth");
  if (oauth && oauth.dataset.auto && /MicroMessenger/.test(navigator.userAgent)) {
    window.location.assign(oauth.href);
    return;
  }
  var button = document.getElementById("wechat-jsapi-pay");
  if (!button) return;
  var data = button.dataset;
  var POLLS = 10;

  function show(id) {
    ["wechat-jsapi-checking", "wechat-jsapi-cancelled", "wechat-jsapi-failed"].forEach(function (other) {
      var node = document.getElementById(other);
      if (node) node.hidden = other !== id;
    });
  }

  function followStatus(left) {
    // Until the shop has heard from WeChat Pay the status page still says "awaiting payment".
    if (left <= 0 || !window.fetch) {
      window.location.assign(data.statusUrl);
      return;
    }
    window.fetch(data.statusUrl, { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (page) {
      if (page.indexOf("status-pending_payment") === -1) window.location.assign(data.statusUrl);
      else window.setTimeout(function () { followStatus(left - 1); }, 2000);
    }, function () {
      window.location.assign(data.statusUrl);
    });
  }

  function invoke() {
    button.disabled = true;
    window.WeixinJSBridge.invoke("getBrandWCPayRequest", {
      appId: data.appId,
      timeStamp: data.timeStamp,
      nonceStr: data.nonceStr,
      package: data.package,
      signType: data.signType,
      paySign: data.paySign
    }, function (result) {
      var message = (result && result.err_msg) || "";
      if (message === "get_brand_wcpay_request:ok") {
        show("wechat-jsapi-checking");
        followStatus(POLLS);
        return;
      }
      button.disabled = false;
      show(message === "get_brand_wcpay_request:cancel" ? "wechat-jsapi-cancelled" : "wechat-jsapi-failed");
    });
  }

  function pay() {
    if (window.WeixinJSBridge && window.WeixinJSBridge.invoke) invoke();
    else document.addEventListener("WeixinJSBridgeReady", invoke, { once: true });
  }

  button.addEventListener("click", pay);
  if (/MicroMessenger/.test(navigator.userAgent)) pay();
})();
