// A little help where JavaScript runs; every page works without it.
document.addEventListener("DOMContentLoaded", function () {
  // an upload takes a few seconds: say so, and keep the button from being pressed twice
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = form.getAttribute("data-busy"); }
    });
  });
  // filters apply as soon as they change
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // copy a body's link
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () { button.textContent = "已复制"; });
    });
  });
});
