/* incidentkit: sortable and filterable tables, no server and no dependencies.
 *
 * Every table inside a `.ik-table` wrapper sorts when a column heading is
 * clicked (numbers and dates by value: a cell's `data-sort` wins over its
 * text). A `.ik-filters[data-table=ID]` block filters the rows of the table
 * in `#ID` by its selects (`data-column`: the cell's comma-separated values
 * must include the choice) and its text box. Uses textContent only, never
 * innerHTML, so record text cannot become markup here.
 */
(function () {
  "use strict";

  function cellKey(cell) {
    var marked = cell.querySelector("[data-sort]");
    var raw = marked ? marked.getAttribute("data-sort") : cell.textContent.trim();
    var num = raw !== "" && !isNaN(Number(raw)) ? Number(raw) : null;
    return { num: num, text: raw.toLowerCase() };
  }

  function compare(a, b) {
    if (a.num !== null && b.num !== null) return a.num - b.num;
    if (a.num !== null) return -1;
    if (b.num !== null) return 1;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }

  function makeSortable(table) {
    var head = table.tHead;
    if (!head || !table.tBodies.length || table.dataset.ikSortable) return;
    table.dataset.ikSortable = "1";
    Array.prototype.forEach.call(head.rows[0].cells, function (th, index) {
      th.classList.add("ik-sortable");
      th.setAttribute("tabindex", "0");
      th.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.rows[0].cells, function (other) {
          other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var result = compare(cellKey(r1.cells[index]), cellKey(r2.cells[index]));
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function values(cell) {
    return cell.textContent.split(",").map(function (v) { return v.trim(); });
  }

  function setUpFilters(box) {
    if (box.dataset.ikReady) return;
    var wrapper = document.getElementById(box.getAttribute("data-table"));
    var table = wrapper && wrapper.querySelector("table");
    if (!table || !table.tBodies.length) return;
    box.dataset.ikReady = "1";
    var selects = box.querySelectorAll("select[data-column]");
    var text = box.querySelector("input[data-text]");
    var count = box.querySelector(".ik-count");
    function apply() {
      var needle = text ? text.value.trim().toLowerCase() : "";
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var visible = Array.prototype.every.call(selects, function (select) {
          var cell = row.cells[Number(select.getAttribute("data-column"))];
          return !select.value || (cell && values(cell).indexOf(select.value) >= 0);
        });
        if (visible && needle) visible = row.textContent.toLowerCase().indexOf(needle) >= 0;
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (count) count.textContent = shown + " of " + table.tBodies[0].rows.length + " rows";
    }
    Array.prototype.forEach.call(selects, function (s) { s.addEventListener("change", apply); });
    if (text) text.addEventListener("input", apply);
    apply();
  }

  function init() {
    document.querySelectorAll(".ik-table table").forEach(makeSortable);
    document.querySelectorAll(".ik-filters[data-table]").forEach(setUpFilters);
  }

  // Material's instant navigation swaps pages without a reload; document$ tells us.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
