/* Storefront touches. Every form works without this file; CSP allows only scripts from 'self'. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("change", function (event) {
    var target = event.target;
    // Selects that apply at once (language, sort order).
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
    // Variant choice: show that SKU's price and struck-through list price.
    if (target.matches("input[type=radio][name=sku][data-price]")) {
      var price = document.getElementById("product-price");
      var compare = document.getElementById("product-compare-price");
      if (price) price.textContent = target.dataset.price;
      if (compare) {
        compare.textContent = target.dataset.comparePrice || "";
        compare.hidden = !target.dataset.comparePrice;
      }
    }
    // Checkout: shipping fee and total for the chosen method.
    if (target.matches("input[type=radio][name=shipping_method][data-fee]")) {
      var fee = document.getElementById("shipping-fee");
      var total = document.getElementById("grand-total");
      if (fee) fee.textContent = target.dataset.fee;
      if (total) total.textContent = target.dataset.total;
    }
  });

  // Gallery: a thumbnail shows its picture in the main frame instead of opening it.
  document.addEventListener("click", function (event) {
    var thumb = event.target.closest("[data-gallery-image]");
    if (!thumb) return;
    var main = document.getElementById("gallery-main-image");
    if (!main) return;
    event.preventDefault();
    main.src = thumb.dataset.galleryImage;
    main.alt = thumb.dataset.galleryAlt || "";
    main.closest("a").href = thumb.dataset.galleryImage;
    document.querySelectorAll("[data-gallery-image].is-active").forEach(function (el) {
      el.classList.remove("is-active");
    });
    thumb.classList.add("is-active");
  });

  // Forms marked data-once (checkout) cannot be sent twice by a double click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-once]")) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.classList.add("is-busy");
    });
  });
})();
