// Unit and period pickers: a search box above every select[data-picker] that finds options
// without diacritics ("an thuy" finds "An Thủy"). The select works without it.
(function () {
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().trim();
  }
  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.placeholder = select.getAttribute("data-picker") || "";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var needle = fold(box.value);
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = needle === "" || fold(option.text).indexOf(needle) >= 0;
        option.hidden = !match;
        if (match && first === null && option.value !== "") { first = option; }
      });
      if (!select.multiple && first !== null && needle !== "") { select.value = first.value; }
    });
  });
})();
