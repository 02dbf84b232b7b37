// touchpath: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Plotly charts: the figure is JSON in <script type="application/json" id=...>.
  function drawCharts() {
    if (typeof window.Plotly === "undefined") return;
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(el, figure.data, figure.layout,
        { displaylogo: false, responsive: true });
    });
  }

  // Buttons with data-confirm ask first (deleting a touchpoint, a chain, a user).
  function confirmations() {
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  // Chain designer: drag steps to reorder; the form is then sent as "save".
  function sortable() {
    document.querySelectorAll("[data-sortable]").forEach(function (list) {
      var dragged = null;
      list.addEventListener("dragstart", function (event) {
        dragged = event.target.closest("li");
        if (!dragged) return;
        dragged.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", "");
      });
      list.addEventListener("dragover", function (event) {
        if (!dragged) return;
        event.preventDefault();
        var over = event.target.closest("li");
        if (!over || over === dragged) return;
        var box = over.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? over.nextSibling : over);
      });
      list.addEventListener("dragend", function () {
        if (!dragged) return;
        dragged.classList.remove("dragging");
        dragged = null;
        var form = list.closest("form");
        var save = form.querySelector("button[value=save]");
        if (form.requestSubmit) form.requestSubmit(save); else save.click();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    confirmations();
    sortable();
  });
})();
