// The print buttons: the page's policy refuses inline scripts, so they are wired here.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
